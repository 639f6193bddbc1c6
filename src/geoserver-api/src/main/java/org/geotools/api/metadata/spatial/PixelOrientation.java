package org.geotools.api.metadata.spatial;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.api.metadata.spatial.PixelOrientation} (a CodeList
 * there; only the constants and {@code name()} are used, which is binary compatible).
 */
public final class PixelOrientation {
    public static final PixelOrientation CENTER = new PixelOrientation("CENTER");
    public static final PixelOrientation LOWER_LEFT = new PixelOrientation("LOWER_LEFT");
    public static final PixelOrientation LOWER_RIGHT = new PixelOrientation("LOWER_RIGHT");
    public static final PixelOrientation UPPER_RIGHT = new PixelOrientation("UPPER_RIGHT");
    public static final PixelOrientation UPPER_LEFT = new PixelOrientation("UPPER_LEFT");

    private final String name;

    private PixelOrientation(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "PixelOrientation[" + name + "]";
    }
}
