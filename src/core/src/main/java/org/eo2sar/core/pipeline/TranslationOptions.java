package org.eo2sar.core.pipeline;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;
import org.locationtech.jts.geom.Geometry;

/**
 * How to translate one raster.
 *
 * @param bands       0-based source band indices in the model's input order; null = the first N bands
 * @param tileSize    core tile size in pixels; 0 = the model card's {@code eo2sar.tile.size}
 * @param margin      context margin in pixels (0 = no context); {@link #DEFAULT_MARGIN} = the model
 *                    card's {@code eo2sar.tile.margin}
 * @param batchSize   tiles per {@code OrtSession.run}; 0 = 1 on CPU (one batch per core runs in
 *                    parallel instead), 4 on CUDA
 * @param stitch      CROP (default) or FEATHER
 * @param outputType  FLOAT32 (default, dB, NaN nodata) or UINT8 (see {@link OutputType#UINT8})
 * @param inputNodata value marking input nodata (a pixel is nodata when all its selected bands
 *                    equal it; NaN samples are always nodata); empty = none
 * @param roi         area of interest in pixel coordinates of the input grid ((0,0) = upper-left
 *                    corner of the first pixel; a pixel is inside when its centre is); null = all
 * @param alphaBand   0-based source band whose 0 marks nodata (an RGBA file's alpha), or -1 = none;
 *                    the default band selection skips it
 */
public record TranslationOptions(int[] bands, int tileSize, int margin, int batchSize, Stitch stitch,
                                 OutputType outputType, OptionalDouble inputNodata, Geometry roi, int alphaBand) {

    public TranslationOptions {
        bands = bands == null ? null : bands.clone();
        stitch = Objects.requireNonNullElse(stitch, Stitch.CROP);
        outputType = Objects.requireNonNullElse(outputType, OutputType.FLOAT32);
        inputNodata = Objects.requireNonNullElse(inputNodata, OptionalDouble.empty());
    }

    /** Margin value meaning "the model card's margin" (0 is a real choice: no context). */
    public static final int DEFAULT_MARGIN = -1;

    /** Everything from the model card, CROP, FLOAT32, no nodata, no ROI. */
    public static TranslationOptions defaults() {
        return new TranslationOptions(null, 0, DEFAULT_MARGIN, 0, Stitch.CROP, OutputType.FLOAT32, OptionalDouble.empty(), null, -1);
    }

    @Override
    public int[] bands() {
        return bands == null ? null : bands.clone();
    }

    public TranslationOptions withBands(int... b) {
        return new TranslationOptions(b, tileSize, margin, batchSize, stitch, outputType, inputNodata, roi, alphaBand);
    }

    public TranslationOptions withTileSize(int t) {
        return new TranslationOptions(bands, t, margin, batchSize, stitch, outputType, inputNodata, roi, alphaBand);
    }

    public TranslationOptions withMargin(int m) {
        return new TranslationOptions(bands, tileSize, m, batchSize, stitch, outputType, inputNodata, roi, alphaBand);
    }

    public TranslationOptions withBatchSize(int b) {
        return new TranslationOptions(bands, tileSize, margin, b, stitch, outputType, inputNodata, roi, alphaBand);
    }

    public TranslationOptions withStitch(Stitch s) {
        return new TranslationOptions(bands, tileSize, margin, batchSize, s, outputType, inputNodata, roi, alphaBand);
    }

    public TranslationOptions withOutputType(OutputType o) {
        return new TranslationOptions(bands, tileSize, margin, batchSize, stitch, o, inputNodata, roi, alphaBand);
    }

    public TranslationOptions withInputNodata(OptionalDouble n) {
        return new TranslationOptions(bands, tileSize, margin, batchSize, stitch, outputType, n, roi, alphaBand);
    }

    public TranslationOptions withAlphaBand(int a) {
        return new TranslationOptions(bands, tileSize, margin, batchSize, stitch, outputType, inputNodata, roi, a);
    }

    public TranslationOptions withRoi(Geometry g) {
        return new TranslationOptions(bands, tileSize, margin, batchSize, stitch, outputType, inputNodata, g, alphaBand);
    }

    @Override
    public String toString() {
        return "TranslationOptions[bands=" + Arrays.toString(bands) + ", tileSize=" + tileSize + ", margin=" + margin
                + ", batchSize=" + batchSize + ", stitch=" + stitch + ", outputType=" + outputType
                + ", inputNodata=" + inputNodata + ", roi=" + (roi == null ? "none" : roi.getGeometryType())
                + ", alphaBand=" + alphaBand + "]";
    }
}
