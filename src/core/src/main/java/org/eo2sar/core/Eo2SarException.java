package org.eo2sar.core;

import java.util.Objects;

/**
 * The one exception the product throws for expected failures: bad input, bad model, bad
 * arguments, a device that is not there, I/O, cancellation. Its message is one readable line
 * meant for a user; the {@link Kind} lets front ends map it to an exit code, an HTTP status or a
 * WPS exception without parsing text.
 */
public class Eo2SarException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, coarse enough for exit codes and HTTP statuses. */
    public enum Kind {
        /** Arguments or options that cannot work (wrong band count, tile size not a multiple, ...). */
        INVALID_ARGUMENT,
        /** An input raster that cannot be read or used (corrupt, unsupported encoding, no CRS, too large). */
        INVALID_INPUT,
        /** A model file that cannot be used (not ONNX, no or invalid model card, wrong shapes). */
        INVALID_MODEL,
        /** The requested device (e.g. CUDA) is not available. */
        DEVICE_UNAVAILABLE,
        /** Reading or writing files failed. */
        IO,
        /** The caller cancelled the work. */
        CANCELLED
    }

    private final Kind kind;

    public Eo2SarException(Kind kind, String message) {
        super(oneLine(message));
        this.kind = Objects.requireNonNull(kind);
    }

    public Eo2SarException(Kind kind, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.kind = Objects.requireNonNull(kind);
    }

    /**
     * Library messages (SIS, ONNX Runtime, JTS) embedded in ours may span lines; users get one.
     * Text taken from files (names, tags) may hold terminal escape sequences: every other control
     * character is shown as {@code \\uXXXX} so a message can never drive the user's terminal.
     */
    private static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        String line = message.strip().replaceAll("\\s*\\R\\s*", " ");
        StringBuilder b = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(line.substring(0, i));
                }
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? line : b.toString();
    }

    public Kind kind() {
        return kind;
    }
}
