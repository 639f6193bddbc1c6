package org.eo2sar.core.raster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What GDAL (and so QGIS) reads from a GeoTIFF's GDAL_METADATA tag: dataset-level items
 * (provenance) and, per band, a description, a unit and a scale/offset. Written as GDAL's own XML,
 * so {@code gdalinfo} shows {@code Description = VV}, {@code Unit Type: dB}, {@code Offset/Scale}.
 *
 * @param items        dataset items in order, e.g. {@code EO2SAR_MODEL -> eo2sar-default 0.3.0}
 * @param descriptions per band (may be shorter than the band count; empty = none)
 * @param unit         unit of every band ("" = none)
 * @param scale        per band value = raw * scale + offset, or null for none (uint8 display outputs have one)
 * @param offset       per band, with {@code scale}
 */
public record GdalMetadata(Map<String, String> items, List<String> descriptions, String unit, double[] scale, double[] offset) {
    public static final GdalMetadata NONE = new GdalMetadata(Map.of(), List.of(), "", null, null);

    public GdalMetadata {
        items = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(items));
        descriptions = List.copyOf(descriptions);
        unit = Objects.requireNonNullElse(unit, "");
        if ((scale == null) != (offset == null) || scale != null && scale.length != offset.length) {
            throw new IllegalArgumentException("scale and offset go together, one value per band");
        }
        scale = scale == null ? null : scale.clone();
        offset = offset == null ? null : offset.clone();
    }

    public boolean isEmpty() {
        return items.isEmpty() && descriptions.isEmpty() && unit.isEmpty() && scale == null;
    }

    /** GDAL's {@code <GDALMetadata>} XML for {@code bands} bands. */
    String xml(int bands) {
        StringBuilder sb = new StringBuilder("<GDALMetadata>\n");
        items.forEach((k, v) -> item(sb, k, -1, null, v));
        for (int b = 0; b < bands; b++) {
            if (b < descriptions.size() && !descriptions.get(b).isEmpty()) {
                item(sb, "DESCRIPTION", b, "description", descriptions.get(b));
            }
            if (!unit.isEmpty()) {
                item(sb, "UNITTYPE", b, "unittype", unit);
            }
            if (scale != null && b < scale.length) {
                item(sb, "OFFSET", b, "offset", Double.toString(offset[b]));
                item(sb, "SCALE", b, "scale", Double.toString(scale[b]));
            }
        }
        return sb.append("</GDALMetadata>\n").toString();
    }

    private static void item(StringBuilder sb, String name, int sample, String role, String value) {
        sb.append("  <Item name=\"").append(escape(name)).append('"');
        if (sample >= 0) {
            sb.append(" sample=\"").append(sample).append("\" role=\"").append(role).append('"');
        }
        sb.append('>').append(escape(value)).append("</Item>\n");
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
