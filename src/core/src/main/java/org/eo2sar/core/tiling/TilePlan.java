package org.eo2sar.core.tiling;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;

/**
 * Splits a W×H raster into core tiles of size T (row-major), each read through a square window
 * of T + 2M pixels so the model sees M pixels of context on every side. All windows have the same
 * size so tiles batch together; past the raster's edge the window is filled by reflection
 * ({@link #reflect}). T and M must be multiples of the model's multiple so every window (and
 * every window offset) is one too. For rasters smaller than T the tile shrinks to the raster
 * (rounded up to the multiple), so a 13×12 raster is not run as a 512-pixel window.
 */
public final class TilePlan {
    private final int width;
    private final int height;
    private final int tileSize;
    private final int margin;
    private final int cols;
    private final int rows;

    private TilePlan(int width, int height, int tileSize, int margin) {
        this.width = width;
        this.height = height;
        this.tileSize = tileSize;
        this.margin = margin;
        this.cols = ceilDiv(width, tileSize);
        this.rows = ceilDiv(height, tileSize);
    }

    /**
     * @throws Eo2SarException INVALID_ARGUMENT for a non-positive size, a negative margin or values
     *                         that are not multiples of {@code multiple}
     */
    public static TilePlan of(int width, int height, int tileSize, int margin, int multiple) {
        if (width <= 0 || height <= 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "raster size must be positive, got " + width + "x" + height);
        }
        if (multiple <= 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "tile multiple must be positive, got " + multiple);
        }
        if (tileSize <= 0 || tileSize % multiple != 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "tile size " + tileSize
                    + " must be a positive multiple of " + multiple + " (the model's eo2sar.tile.multiple)");
        }
        if (margin < 0 || margin % multiple != 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "margin " + margin
                    + " must be a non-negative multiple of " + multiple + " (the model's eo2sar.tile.multiple)");
        }
        int fit = ceilDiv(Math.max(width, height), multiple) * multiple;
        return new TilePlan(width, height, Math.min(tileSize, fit), margin);
    }

    public int width() { return width; }
    public int height() { return height; }
    /** Effective core tile size (the requested size, or less for a small raster). */
    public int tileSize() { return tileSize; }
    public int margin() { return margin; }
    public int windowSize() { return tileSize + 2 * margin; }
    public int cols() { return cols; }
    public int rows() { return rows; }
    public int count() { return cols * rows; }

    /** Pixels the model processes per output pixel: count·window² / (W·H). */
    public double inferenceRatio() {
        return (double) count() * windowSize() * windowSize() / ((double) width * height);
    }

    public Tile tile(int col, int row) {
        if (col < 0 || col >= cols || row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("tile " + col + "," + row + " outside " + cols + "x" + rows);
        }
        int x = col * tileSize;
        int y = row * tileSize;
        return new Tile(row * cols + col, col, row, x, y, Math.min(tileSize, width - x), Math.min(tileSize, height - y),
                x - margin, y - margin, windowSize());
    }

    public Tile tile(int index) {
        return tile(index % cols, index / cols);
    }

    /** All tiles in row-major order. */
    public List<Tile> tiles() {
        List<Tile> out = new ArrayList<>(count());
        for (int i = 0; i < count(); i++) {
            out.add(tile(i));
        }
        return out;
    }

    /** Tiles whose window overlaps {@code r} (raster pixel coordinates), row-major. */
    public List<Tile> windowsIntersecting(Rectangle r) {
        List<Tile> out = new ArrayList<>();
        int c0 = Math.max(0, Math.floorDiv(r.x - margin, tileSize));
        int c1 = Math.min(cols - 1, Math.floorDiv(r.x + r.width - 1 + margin, tileSize));
        int r0 = Math.max(0, Math.floorDiv(r.y - margin, tileSize));
        int r1 = Math.min(rows - 1, Math.floorDiv(r.y + r.height - 1 + margin, tileSize));
        for (int row = r0; row <= r1; row++) {
            for (int col = c0; col <= c1; col++) {
                Tile t = tile(col, row);
                if (t.window().intersects(r)) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /**
     * Mirrors index {@code i} into {@code [0, n)} without repeating the edge pixel (numpy
     * {@code 'reflect'}: −1→1, n→n−2), repeatedly if needed, so any margin works on tiny rasters.
     */
    public static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    /** {@link #reflect} for each index {@code start..start+count-1}. */
    public static int[] reflectRange(int start, int count, int n) {
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            out[k] = reflect(start + k, n);
        }
        return out;
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    @Override
    public String toString() {
        return "TilePlan[" + width + "x" + height + ", tile " + tileSize + ", margin " + margin + ", " + cols + "x"
                + rows + " tiles]";
    }
}
