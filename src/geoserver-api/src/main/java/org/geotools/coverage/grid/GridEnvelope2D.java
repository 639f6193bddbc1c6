package org.geotools.coverage.grid;

import java.awt.Rectangle;
import org.geotools.api.coverage.grid.GridEnvelope;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.coverage.grid.GridEnvelope2D} (gt-coverage): a
 * {@link Rectangle} of grid cells; high coordinates are inclusive.
 */
public class GridEnvelope2D extends Rectangle implements GridEnvelope, Cloneable {
    private static final long serialVersionUID = 1L;

    public GridEnvelope2D() {
    }

    public GridEnvelope2D(Rectangle rectangle) {
        super(rectangle);
    }

    public GridEnvelope2D(int x, int y, int width, int height) {
        super(x, y, width, height);
    }

    @Override
    public int getDimension() {
        return 2;
    }

    @Override
    public int getLow(int dimension) {
        return switch (dimension) {
            case 0 -> x;
            case 1 -> y;
            default -> throw new IndexOutOfBoundsException(dimension);
        };
    }

    @Override
    public int getHigh(int dimension) {
        return switch (dimension) {
            case 0 -> x + width - 1;
            case 1 -> y + height - 1;
            default -> throw new IndexOutOfBoundsException(dimension);
        };
    }

    @Override
    public int getSpan(int dimension) {
        return switch (dimension) {
            case 0 -> width;
            case 1 -> height;
            default -> throw new IndexOutOfBoundsException(dimension);
        };
    }

    @Override
    public GridEnvelope2D clone() {
        return (GridEnvelope2D) super.clone();
    }
}
