package org.eo2sar.core.tiling;

import java.awt.Rectangle;

/**
 * One tile of a {@link TilePlan}: the core it produces and the larger window the model reads.
 * Coordinates are 0-based pixel indices relative to the raster's upper-left pixel; the window may
 * extend past the raster, where {@link TilePlan#reflect} supplies mirrored pixels.
 *
 * @param index   row-major index in the plan
 * @param col     tile column
 * @param row     tile row
 * @param coreX   first column of the core (inside the raster)
 * @param coreY   first row of the core
 * @param coreWidth  core width (smaller than the tile size on the right edge)
 * @param coreHeight core height (smaller on the bottom edge)
 * @param windowX first column of the window (coreX − margin, may be negative)
 * @param windowY first row of the window
 * @param windowSize window width and height (tile size + 2·margin, a multiple of the model's multiple)
 */
public record Tile(int index, int col, int row, int coreX, int coreY, int coreWidth, int coreHeight,
                   int windowX, int windowY, int windowSize) {

    public Rectangle core() {
        return new Rectangle(coreX, coreY, coreWidth, coreHeight);
    }

    public Rectangle window() {
        return new Rectangle(windowX, windowY, windowSize, windowSize);
    }

    /** Offset of the core inside the window (= the margin). */
    public int coreOffsetX() {
        return coreX - windowX;
    }

    public int coreOffsetY() {
        return coreY - windowY;
    }
}
