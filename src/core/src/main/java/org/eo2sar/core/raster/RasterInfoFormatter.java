package org.eo2sar.core.raster;

import java.awt.geom.AffineTransform;
import java.util.Locale;

/** Renders a {@link RasterInfo} as the human-readable text of {@code eo2sar info FILE}. */
public final class RasterInfoFormatter {
    private RasterInfoFormatter() {
    }

    public static String format(RasterInfo info) {
        Georeferencing g = info.georef();
        AffineTransform t = g.gridToCrs();
        StringBuilder sb = new StringBuilder();
        line(sb, "File", info.path().toString());
        line(sb, "Size", info.width() + " x " + info.height() + " pixels");
        StringBuilder names = new StringBuilder();
        for (int b = 0; b < info.bandLabels().size() && b < 16; b++) {
            names.append(b == 0 ? "" : ", ").append(b + 1).append(' ').append(info.bandLabels().get(b));
        }
        line(sb, "Bands", info.bandCount() + " (" + names + (info.bandCount() > 16 ? ", ..." : "") + ")");
        line(sb, "Data type", info.dataType().name().toLowerCase(Locale.ROOT));
        line(sb, "Nodata", info.nodata().isPresent() ? GeoTiffRasters.nodataText(info.nodata().getAsDouble()) : "none");
        if (info.alphaBand().isPresent()) {
            line(sb, "Alpha band", (info.alphaBand().getAsInt() + 1) + " (its 0 is nodata; not a model input by default)");
        }
        line(sb, "CRS", g.crsLabel() + (g.epsg().isPresent() ? " (" + g.crs().getName().getCode() + ")" : ""));
        line(sb, "Origin", num(t.getTranslateX()) + ", " + num(t.getTranslateY()) + " (upper-left corner)");
        line(sb, "Pixel size", num(t.getScaleX()) + ", " + num(t.getScaleY())
                + (t.getShearX() != 0 || t.getShearY() != 0
                        ? " (rotated: shear " + num(t.getShearX()) + ", " + num(t.getShearY()) + ")" : ""));
        line(sb, "Grid to CRS", String.format(Locale.ROOT, "[%s %s %s; %s %s %s] (pixel corner)",
                num(t.getScaleX()), num(t.getShearX()), num(t.getTranslateX()),
                num(t.getShearY()), num(t.getScaleY()), num(t.getTranslateY())));
        double x1 = t.getTranslateX() + t.getScaleX() * info.width() + t.getShearX() * info.height();
        double y1 = t.getTranslateY() + t.getShearY() * info.width() + t.getScaleY() * info.height();
        line(sb, "Extent", num(Math.min(t.getTranslateX(), x1)) + ", " + num(Math.min(t.getTranslateY(), y1))
                + " : " + num(Math.max(t.getTranslateX(), x1)) + ", " + num(Math.max(t.getTranslateY(), y1)));
        sb.append("CRS WKT:\n").append(g.crsWkt().strip()).append('\n');
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-12s %s%n", key + ":", value));
    }

    /** Shortest exact decimal (Java's Double.toString), without a trailing ".0" on integers. */
    private static String num(double v) {
        String s = Double.toString(v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
