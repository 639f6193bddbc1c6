package org.eo2sar.app;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Everything the command line prints passes through here: text that comes from files (names,
 * CRS text, tags) could hold terminal escape sequences, so control characters other than line
 * breaks and tabs are written as {@code \\uXXXX} instead of being sent to the terminal.
 */
final class TerminalSafeWriter extends FilterWriter {
    TerminalSafeWriter(Writer out) {
        super(out);
    }

    static boolean allowed(char c) {
        return !Character.isISOControl(c) || c == '\n' || c == '\r' || c == '\t';
    }

    @Override
    public void write(int c) throws IOException {
        if (allowed((char) c)) {
            out.write(c);
        } else {
            out.write(String.format(java.util.Locale.ROOT, "\\u%04x", c & 0xffff));
        }
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(buf[i]);
        }
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(s.charAt(i));
        }
    }
}
