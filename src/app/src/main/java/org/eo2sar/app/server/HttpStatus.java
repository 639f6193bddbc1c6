package org.eo2sar.app.server;

import org.eo2sar.core.Eo2SarException;

/** The HTTP status for each kind of core failure. */
final class HttpStatus {
    private HttpStatus() {
    }

    static int of(Eo2SarException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT, INVALID_INPUT -> 400;
            case CANCELLED -> 409;
            case DEVICE_UNAVAILABLE -> 503;
            case INVALID_MODEL, IO -> 500;
        };
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Invalid request";
            case 409 -> "Cancelled";
            case 503 -> "Service unavailable";
            default -> "Processing failed";
        };
    }
}
