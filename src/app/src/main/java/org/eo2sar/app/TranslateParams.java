package org.eo2sar.app;

import java.util.Arrays;
import java.util.Locale;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.pipeline.TranslationOptions;

/**
 * The translation options a user gives, the same from the command line and from an OGC API
 * request, before they become the core's request.
 *
 * @param bands      1-based source bands in model order, or null for the first N bands
 * @param tile       core tile size in pixels, 0 = model card default
 * @param margin     context margin in pixels, -1 ({@link TranslationOptions#DEFAULT_MARGIN}) = model card
 *                   default, 0 = no margin
 * @param batch      tiles per inference call, 0 = default
 * @param blend      feather-blend overlaps instead of cropping margins
 * @param outputType "float32" or "uint8"
 * @param aoi        WKT or GeoJSON polygon, or null
 * @param aoiCrs     CRS of {@code aoi} (e.g. "EPSG:4326"), null = the raster's CRS
 * @param threads    tile batches translated in parallel, 0 = the core's default (one per CPU core; 2 on CUDA)
 * @param compression "deflate" (default), "zstd" or "none": the output COG's block codec
 */
public record TranslateParams(int[] bands, int tile, int margin, int batch, boolean blend, String outputType,
                              String aoi, String aoiCrs, int threads, String compression) {
    public TranslateParams {
        bands = bands == null ? null : bands.clone();
        if (bands != null) {
            for (int b : bands) {
                if (b < 1) {
                    throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT,
                            "bands are 1-based; got " + b + " in " + Arrays.toString(bands));
                }
            }
        }
        if (tile < 0) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT, "tile size must be positive, got " + tile);
        }
        if (margin < TranslationOptions.DEFAULT_MARGIN) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT,
                    "margin must be >= 0 (0 = no margin), got " + margin);
        }
        if (batch < 0) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT, "batch size must be positive, got " + batch);
        }
        if (threads < 0) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT, "threads must be positive, got " + threads);
        }
        outputType = outputType == null ? "float32" : outputType.trim().toLowerCase(Locale.ROOT);
        if (!outputType.equals("float32") && !outputType.equals("uint8")) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT,
                    "output type must be float32 or uint8, got '" + outputType + "'");
        }
        compression = compression == null ? "deflate" : compression.trim().toLowerCase(Locale.ROOT);
        if (!compression.equals("deflate") && !compression.equals("zstd") && !compression.equals("none")) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT,
                    "compression must be deflate, zstd or none, got '" + compression + "'");
        }
    }

    /** The same options with a codec for the output ("deflate", "zstd", "none"). */
    public TranslateParams withCompression(String c) {
        return new TranslateParams(bands, tile, margin, batch, blend, outputType, aoi, aoiCrs, threads, c);
    }

    public static TranslateParams defaults() {
        return new TranslateParams(null, 0, TranslationOptions.DEFAULT_MARGIN, 0, false, "float32", null, null, 0, null);
    }

    @Override
    public int[] bands() {
        return bands == null ? null : bands.clone();
    }

    /** 0-based indices as the core wants them, or null. */
    public int[] zeroBasedBands() {
        return bands == null ? null : Arrays.stream(bands).map(b -> b - 1).toArray();
    }

    /** Parses {@code "3,2,1"}. */
    public static int[] parseBands(String text) {
        try {
            return Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT,
                    "bands must be a comma-separated list of 1-based band numbers like 3,2,1, got '" + text + "'");
        }
    }
}
