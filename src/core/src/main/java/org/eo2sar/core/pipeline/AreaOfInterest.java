package org.eo2sar.core.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.referencing.crs.AbstractCRS;
import org.apache.sis.referencing.cs.AxesConvention;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.raster.Georeferencing;
import org.locationtech.jts.densify.Densifier;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;
import org.opengis.util.FactoryException;

/**
 * Parses an area of interest (WKT or GeoJSON polygon/multipolygon, or a GeoJSON Feature /
 * FeatureCollection of them) and maps it to pixel coordinates of a raster's grid, the form
 * {@link TranslationOptions#roi()} takes. Coordinates are in the raster's CRS, or in
 * {@code EPSG:4326} given as <em>longitude, latitude</em> (the GeoJSON order) — then they are
 * densified and transformed with Apache SIS.
 */
public final class AreaOfInterest {
    private static final GeometryFactory FACTORY = new GeometryFactory();
    private static final ObjectMapper JSON = new ObjectMapper();

    private AreaOfInterest() {
    }

    /**
     * @param text  WKT ({@code POLYGON ((...))}) or GeoJSON ({@code {"type":"Polygon",...}})
     * @param crs   {@code "EPSG:4326"} (or {@code CRS:84}), another EPSG code SIS knows, or null for the raster's CRS
     * @return a polygonal geometry in pixel coordinates ((0,0) = upper-left corner of the first pixel)
     * @throws Eo2SarException INVALID_ARGUMENT for unparsable, non-polygonal or invalid geometries,
     *                         or a CRS that cannot be transformed to the raster's
     */
    public static Geometry parse(String text, String crs, Georeferencing georef) {
        if (text == null || text.isBlank()) {
            throw bad("is empty");
        }
        String t = text.trim();
        Geometry g = t.startsWith("{") ? geoJson(t) : wkt(t);
        if (!(g instanceof Polygonal) || g.isEmpty()) {
            throw bad("must be a non-empty Polygon or MultiPolygon, got " + g.getGeometryType());
        }
        if (!g.isValid()) {
            throw bad("is not a valid polygon (self-intersecting or badly oriented rings)");
        }
        if (crs != null && !crs.isBlank()) {
            g = toRasterCrs(g, crs.trim(), georef);
        }
        return toPixels(g, georef.gridToCrs());
    }

    private static Geometry toRasterCrs(Geometry g, String code, Georeferencing georef) {
        CoordinateReferenceSystem source;
        String c = code.toUpperCase(Locale.ROOT);
        try {
            if (c.equals("EPSG:4326") || c.equals("CRS:84") || c.equals("OGC:CRS84") || c.equals("WGS84")) {
                source = CommonCRS.WGS84.normalizedGeographic(); // longitude first, as GeoJSON
            } else {
                source = AbstractCRS.castOrCopy(CRS.forCode(code)).forConvention(AxesConvention.RIGHT_HANDED);
            }
        } catch (FactoryException | RuntimeException e) {
            throw bad("CRS '" + code + "' is unknown: " + e.getMessage());
        }
        try {
            MathTransform mt = CRS.findOperation(source, georef.crs(), null).getMathTransform();
            if (mt.isIdentity()) {
                return g;
            }
            double span = Math.max(g.getEnvelopeInternal().getWidth(), g.getEnvelopeInternal().getHeight());
            Geometry dense = span > 0 ? Densifier.densify(g, span / 64) : g.copy();
            dense.apply(new Transform(p -> mt.transform(p, 0, p, 0, 1)));
            return dense;
        } catch (FactoryException | RuntimeException e) {
            throw bad("cannot be transformed from " + code + " to " + georef.crsLabel() + ": " + e.getMessage());
        }
    }

    /**
     * Maps a geometry in the raster's CRS to pixel coordinates ((0,0) = upper-left corner of the
     * first pixel) through the inverse of {@code gridToCrs} (pixel-corner convention).
     *
     * @throws Eo2SarException INVALID_ARGUMENT when {@code gridToCrs} is not invertible
     */
    public static Geometry toPixels(Geometry g, AffineTransform gridToCrs) {
        AffineTransform inv;
        try {
            inv = gridToCrs.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw bad("cannot be mapped to pixels: the raster's grid-to-CRS transform is not invertible");
        }
        Geometry px = g.copy();
        px.apply(new Transform(p -> inv.transform(p, 0, p, 0, 1)));
        return px;
    }

    /** One point mapped in place: p = {x, y}. */
    @FunctionalInterface
    private interface PointMap {
        void apply(double[] p) throws TransformException;
    }

    /** Applies a point mapping (SIS transform or affine) to every coordinate in place. */
    private record Transform(PointMap map) implements CoordinateSequenceFilter {
        @Override
        public void filter(CoordinateSequence seq, int i) {
            double[] p = {seq.getX(i), seq.getY(i)};
            try {
                map.apply(p);
            } catch (TransformException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            seq.setOrdinate(i, 0, p[0]);
            seq.setOrdinate(i, 1, p[1]);
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public boolean isGeometryChanged() {
            return true;
        }
    }

    private static Geometry wkt(String text) {
        try {
            return new WKTReader(FACTORY).read(text);
        } catch (ParseException e) {
            throw bad("is neither GeoJSON nor valid WKT: " + e.getMessage());
        }
    }

    private static Geometry geoJson(String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw bad("is not valid GeoJSON: " + e.getOriginalMessage());
        }
        return geoJson(n);
    }

    private static Geometry geoJson(JsonNode n) {
        String type = n.path("type").asText("");
        switch (type) {
            case "Feature":
                return geoJson(n.path("geometry"));
            case "FeatureCollection": {
                List<Geometry> parts = new ArrayList<>();
                for (JsonNode f : n.path("features")) {
                    parts.add(geoJson(f));
                }
                if (parts.isEmpty()) {
                    throw bad("is an empty FeatureCollection");
                }
                return FACTORY.buildGeometry(parts).union();
            }
            case "Polygon":
                return polygon(n.path("coordinates"));
            case "MultiPolygon": {
                List<Polygon> polys = new ArrayList<>();
                for (JsonNode p : n.path("coordinates")) {
                    polys.add(polygon(p));
                }
                return FACTORY.createMultiPolygon(polys.toArray(new Polygon[0]));
            }
            default:
                throw bad("GeoJSON type '" + type + "' is not supported (Polygon, MultiPolygon, Feature, FeatureCollection)");
        }
    }

    private static Polygon polygon(JsonNode rings) {
        if (!rings.isArray() || rings.isEmpty()) {
            throw bad("has a polygon without rings");
        }
        List<LinearRing> rs = new ArrayList<>();
        for (JsonNode ring : rings) {
            List<Coordinate> cs = new ArrayList<>();
            for (JsonNode p : ring) {
                if (!p.isArray() || p.size() < 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                    throw bad("has a position that is not [x, y]: " + p);
                }
                cs.add(new Coordinate(p.get(0).asDouble(), p.get(1).asDouble()));
            }
            try {
                rs.add(FACTORY.createLinearRing(cs.toArray(new Coordinate[0])));
            } catch (IllegalArgumentException e) {
                throw bad("has a bad ring: " + e.getMessage());
            }
        }
        return FACTORY.createPolygon(rs.get(0), rs.subList(1, rs.size()).toArray(new LinearRing[0]));
    }

    private static Eo2SarException bad(String problem) {
        return new Eo2SarException(Kind.INVALID_ARGUMENT, "area of interest " + problem);
    }
}
