package org.eo2sar.app;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eo2sar.core.Progress;

/**
 * Shows translation progress: a redrawn bar (tiles done/total, tiles/s, ETA) on a terminal, or
 * one plain line per 10 % otherwise (logs, CI, pipes), so redirected output stays readable.
 * Ctrl-C sets the cancel flag the core polls between tile batches.
 */
public final class ConsoleProgress implements Progress {
    private static final int BAR = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private int lastDecile = -1;
    private long lastDrawNanos;
    private boolean drewBar;

    public ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public void cancel() {
        cancelled.set(true);
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public synchronized void update(long done, long total) {
        if (total <= 0) {
            return;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && done < total ? duration((total - done) / rate) : "--:--";
        if (terminal) {
            long now = System.nanoTime();
            if (done < total && now - lastDrawNanos < 100_000_000L) {
                return; // redraw at most ten times a second
            }
            lastDrawNanos = now;
            int filled = (int) (BAR * done / total);
            out.printf(Locale.ROOT, "\r[%s%s] %d/%d tiles %5.1f tiles/s ETA %s ",
                    "#".repeat(filled), "-".repeat(BAR - filled), done, total, rate, eta);
            out.flush();
            drewBar = true;
        } else {
            int decile = (int) (10 * done / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.printf(Locale.ROOT, "progress: %d/%d tiles (%d%%), %.1f tiles/s, ETA %s%n",
                        done, total, 100 * done / total, rate, eta);
            }
        }
    }

    @Override
    public synchronized void warn(String message) {
        finish();
        out.println("warning: " + message);
        out.flush();
    }

    /** Ends the bar's line so whatever is printed next starts on a fresh one. */
    public synchronized void finish() {
        if (drewBar) {
            out.println();
            drewBar = false;
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
