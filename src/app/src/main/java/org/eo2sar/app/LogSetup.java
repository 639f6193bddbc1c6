package org.eo2sar.app;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes java.util.logging (where the core's System.Logger and Apache SIS write) to stderr as
 * one line per record. Apache SIS's start-up chatter (e.g. "SIS_DATA is not set": we need no
 * EPSG database) is hidden unless {@code --verbose}.
 */
final class LogSetup {
    /** Kept strongly reachable: JUL holds loggers weakly, and a collected logger loses its level. */
    private static Logger sis;
    private static Logger jetty;

    private LogSetup() {
    }

    static void configure(boolean verbose) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(verbose ? Level.FINE : Level.INFO);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String msg = formatMessage(r);
                String level = r.getLevel().intValue() >= Level.WARNING.intValue()
                        ? r.getLevel().getName().toLowerCase(java.util.Locale.ROOT) + ": " : "";
                StringBuilder b = new StringBuilder("eo2sar: ").append(level).append(msg).append(System.lineSeparator());
                if (verbose && r.getThrown() != null) {
                    java.io.StringWriter sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    b.append(sw);
                }
                return b.toString();
            }
        });
        root.addHandler(h);
        root.setLevel(verbose ? Level.FINE : Level.INFO);
        sis = Logger.getLogger("org.apache.sis");
        sis.setLevel(verbose ? Level.FINE : Level.SEVERE);
        jetty = Logger.getLogger("org.eclipse.jetty"); // the HTTP server's start-up banner is noise; its warnings are not
        jetty.setLevel(verbose ? Level.FINE : Level.WARNING);
    }
}
