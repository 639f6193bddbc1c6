package org.geotools.coverage;

import java.util.Locale;
import javax.measure.Unit;
import org.geotools.api.util.InternationalString;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.coverage.GridSampleDimension} (gt-coverage): the
 * {@code (description, categories, units)} constructor and the getters used here.
 */
public class GridSampleDimension {
    private final String description;
    private final Category[] categories;
    private final Unit<?> units;

    public GridSampleDimension(CharSequence description) {
        this(description, null, null);
    }

    public GridSampleDimension(CharSequence description, Category[] categories, Unit<?> units) {
        this.description = description == null ? null : description.toString();
        this.categories = categories == null ? new Category[0] : categories.clone();
        this.units = units;
    }

    public InternationalString getDescription() {
        return description == null ? null : new Text(description);
    }

    /** The samples of the "no data" (single value) categories. */
    public double[] getNoDataValues() {
        double[] values = new double[categories.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = categories[i].sample();
        }
        return values.length == 0 ? null : values;
    }

    public Unit<?> getUnits() {
        return units;
    }

    @Override
    public String toString() {
        return "GridSampleDimension[" + description + "]";
    }

    private record Text(String text) implements InternationalString {
        @Override
        public String toString(Locale locale) {
            return text;
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public int compareTo(InternationalString o) {
            return text.compareTo(o.toString());
        }
    }
}
