package org.eo2sar.core.pipeline;

/**
 * Model output for one tile, already denormalised, NaN where the input was nodata. Covers the
 * tile's core (CROP) or its whole window (FEATHER), in raster pixel coordinates; {@code data} is
 * band-sequential ({@code band·w·h + y·w + x}). {@code data == null} means the tile was skipped.
 */
record WindowResult(int tileIndex, int x, int y, int width, int height, float[] data) {

    static WindowResult skipped(int tileIndex) {
        return new WindowResult(tileIndex, 0, 0, 0, 0, null);
    }

    boolean isSkipped() {
        return data == null;
    }
}
