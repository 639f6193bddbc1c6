package org.geotools.api.referencing.datum;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.api.referencing.datum.PixelInCell} (a CodeList there;
 * only the two constants are used, which is binary compatible).
 */
public final class PixelInCell {
    public static final PixelInCell CELL_CENTER = new PixelInCell("CELL_CENTER");
    public static final PixelInCell CELL_CORNER = new PixelInCell("CELL_CORNER");

    private final String name;

    private PixelInCell(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "PixelInCell[" + name + "]";
    }
}
