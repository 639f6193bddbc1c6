package org.geotools.coverage;

import java.awt.Color;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.coverage.Category} (gt-coverage), only the
 * single-value constructors (e.g. a NaN or 0 "no data" category).
 */
public class Category {
    private final String name;
    private final Color color;
    private final double sample;

    public Category(CharSequence name, Color color, double sample) {
        this.name = String.valueOf(name);
        this.color = color;
        this.sample = sample;
    }

    public Category(CharSequence name, Color color, int sample) {
        this(name, color, (double) sample);
    }

    /** Stand-in accessor (the real class exposes the range instead). */
    double sample() {
        return sample;
    }

    @Override
    public String toString() {
        return "Category[" + name + ", " + sample + ", " + color + "]";
    }
}
