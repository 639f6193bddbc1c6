package org.eo2sar.app.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves a finished file with HTTP/1.1 byte ranges (RFC 9110 §14): HEAD, {@code Accept-Ranges},
 * one range per request answered 206, an unsatisfiable range 416. That is what GDAL's
 * {@code /vsicurl/} needs to read a GeoTIFF's header and tiles without downloading it whole.
 * A multi-range request gets the whole file (200), which the RFC allows.
 */
final class FileRangeSender {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private FileRangeSender() {
    }

    /** A byte range, both ends inclusive. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }
    }

    /**
     * Parses a Range header against a file of {@code size} bytes. Returns null to mean "send it
     * all" (no header, a syntax we ignore, several ranges); throws 416 when it cannot be satisfied.
     */
    static Range parse(String header, long size) {
        if (header == null) {
            return null;
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        long first;
        long last;
        try {
            if (m.group(1).isEmpty()) { // suffix: the last N bytes
                long n = Long.parseLong(m.group(2));
                if (n == 0) {
                    throw new RangeNotSatisfiable();
                }
                first = Math.max(0, size - n);
                last = size - 1;
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
                if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                    return null; // syntactically invalid: ignore the header
                }
            }
        } catch (NumberFormatException e) {
            return null; // more digits than a long: ignore
        }
        if (first >= size || size == 0) {
            throw new RangeNotSatisfiable();
        }
        return new Range(first, last);
    }

    static final class RangeNotSatisfiable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RangeNotSatisfiable() {
            super(null, null, false, false);
        }
    }

    static void send(HttpExchange ex, Path file, String contentType) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            var h = ex.getResponseHeaders();
            h.set("Accept-Ranges", "bytes");
            h.set("Content-Type", contentType);
            Range r;
            try {
                r = parse(ex.getRequestHeaders().getFirst("Range"), size);
            } catch (RangeNotSatisfiable e) {
                h.set("Content-Range", "bytes */" + size);
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            int status = r == null ? 200 : 206;
            if (r == null) {
                r = new Range(0, size - 1);
            } else {
                h.set("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + size);
            }
            long length = size == 0 ? 0 : r.length();
            if ("HEAD".equals(ex.getRequestMethod())) {
                h.set("Content-Length", Long.toString(length));
                ex.sendResponseHeaders(status, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(status, length == 0 ? -1 : length);
            try (OutputStream out = ex.getResponseBody()) {
                copy(ch, r.first(), length, out);
            }
            ex.close();
        }
    }

    private static void copy(FileChannel ch, long position, long length, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long pos = position;
        long left = length;
        while (left > 0) {
            buf.clear().limit((int) Math.min(buf.capacity(), left));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("file shrank while being sent");
            }
            out.write(buf.array(), 0, n);
            pos += n;
            left -= n;
        }
    }
}
