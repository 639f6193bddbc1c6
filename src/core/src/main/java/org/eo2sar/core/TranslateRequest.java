package org.eo2sar.core;

import java.nio.file.Path;
import java.util.Objects;
import org.eo2sar.core.pipeline.OutputType;
import org.eo2sar.core.pipeline.Stitch;
import org.eo2sar.core.pipeline.TranslationOptions;
import org.eo2sar.core.raster.WriteOptions;

/**
 * One file-to-file translation, as the command line and the OGC API server ask for it.
 *
 * @param bands     0-based source band indices in model order; null = the first N bands
 * @param tileSize  core tile size; 0 = model card default
 * @param margin    context margin; {@link TranslationOptions#DEFAULT_MARGIN} (-1) = model card default, 0 = none
 * @param batchSize tiles per run; 0 = default (1 on CPU, 4 on CUDA)
 * @param aoi       optional area of interest, WKT or GeoJSON polygon; null = the whole raster
 * @param aoiCrs    CRS of {@code aoi}: "EPSG:4326" (lon, lat) or another EPSG code; null = the raster's CRS
 * @param compression codec of the output COG's blocks; null = Deflate
 */
public record TranslateRequest(Path input, Path output, int[] bands, int tileSize, int margin, int batchSize,
                               Stitch stitch, OutputType outputType, String aoi, String aoiCrs,
                               WriteOptions.Compression compression) {

    public TranslateRequest {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        bands = bands == null ? null : bands.clone();
        stitch = Objects.requireNonNullElse(stitch, Stitch.CROP);
        outputType = Objects.requireNonNullElse(outputType, OutputType.FLOAT32);
        compression = Objects.requireNonNullElse(compression, WriteOptions.Compression.DEFLATE);
    }

    /** A request with Deflate output. */
    public TranslateRequest(Path input, Path output, int[] bands, int tileSize, int margin, int batchSize,
                            Stitch stitch, OutputType outputType, String aoi, String aoiCrs) {
        this(input, output, bands, tileSize, margin, batchSize, stitch, outputType, aoi, aoiCrs, null);
    }

    public TranslateRequest withCompression(WriteOptions.Compression c) {
        return new TranslateRequest(input, output, bands, tileSize, margin, batchSize, stitch, outputType, aoi, aoiCrs, c);
    }

    /** Defaults for everything but the files. */
    public static TranslateRequest of(Path input, Path output) {
        return new TranslateRequest(input, output, null, 0, TranslationOptions.DEFAULT_MARGIN, 0, Stitch.CROP, OutputType.FLOAT32, null, null);
    }

    @Override
    public int[] bands() {
        return bands == null ? null : bands.clone();
    }
}
