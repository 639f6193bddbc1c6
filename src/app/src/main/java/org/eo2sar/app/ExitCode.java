package org.eo2sar.app;

import org.eo2sar.core.Eo2SarException;

/** The command line's documented exit codes (docs/cli.md); one per {@link Eo2SarException.Kind}. */
public final class ExitCode {
    public static final int OK = 0;
    /** Unexpected internal error (a bug): the message says so and --verbose shows the stack trace. */
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    public static final int INVALID_INPUT = 3;
    public static final int INVALID_MODEL = 4;
    public static final int DEVICE_UNAVAILABLE = 5;
    public static final int IO = 6;
    /** 128 + SIGINT, as shells report a Ctrl-C. */
    public static final int CANCELLED = 130;

    private ExitCode() {
    }

    public static int of(Eo2SarException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> USAGE;
            case INVALID_INPUT -> INVALID_INPUT;
            case INVALID_MODEL -> INVALID_MODEL;
            case DEVICE_UNAVAILABLE -> DEVICE_UNAVAILABLE;
            case IO -> IO;
            case CANCELLED -> CANCELLED;
        };
    }
}
