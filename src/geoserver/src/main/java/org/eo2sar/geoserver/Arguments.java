package org.eo2sar.geoserver;

import java.util.Locale;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.pipeline.OutputType;
import org.eo2sar.core.pipeline.TranslationOptions;

/** Parses the string parameters of {@code eo2sar:Translate} with one-line errors. */
final class Arguments {
    private Arguments() {
    }

    /** {@code "3,2,1"} (1-based, as GIS users number bands) → {@code {2,1,0}}; null/blank → null (model default). */
    static int[] bands(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] parts = text.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            try {
                out[i] = Integer.parseInt(p) - 1;
            } catch (NumberFormatException e) {
                throw new Eo2SarException(Kind.INVALID_ARGUMENT,
                        "bands must be comma-separated band numbers from 1, e.g. 3,2,1; got '" + text + "'");
            }
            if (out[i] < 0) {
                throw new Eo2SarException(Kind.INVALID_ARGUMENT, "band numbers start at 1, got " + p + " in '" + text + "'");
            }
        }
        return out;
    }

    /** {@code float32} (default) or {@code uint8}, any case. */
    static OutputType outputType(String text) {
        if (text == null || text.isBlank()) {
            return OutputType.FLOAT32;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "float32" -> OutputType.FLOAT32;
            case "uint8" -> OutputType.UINT8;
            default -> throw new Eo2SarException(Kind.INVALID_ARGUMENT,
                    "outputType must be float32 or uint8, got '" + text + "'");
        };
    }

    /** Tile size: null or 0 = the model card's; negative is an error. */
    static int tileSize(Integer value) {
        return nonNegative(value == null ? 0 : value, "tile");
    }

    /**
     * Margin: null = the model card's ({@link TranslationOptions#DEFAULT_MARGIN}); 0 is a real
     * choice (no context); negative is an error.
     */
    static int margin(Integer value) {
        return value == null ? TranslationOptions.DEFAULT_MARGIN : nonNegative(value, "margin");
    }

    private static int nonNegative(int value, String name) {
        if (value < 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, name + " must be >= 0, got " + value);
        }
        return value;
    }
}
