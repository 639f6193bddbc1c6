package org.eo2sar.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.Georeferencing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;

class AreaOfInterestTest {
    static GeoRaster rgb;
    static Georeferencing georef;

    @BeforeAll
    static void open() {
        rgb = GeoTiffRasters.open(PipelineFixtures.RGB);
        georef = rgb.info().georef();
    }

    @AfterAll
    static void close() {
        rgb.close();
    }

    @Test
    void wktInTheRasterCrsMapsToPixels() {
        // RGB.byte.tif: origin (101985, 2826915), 300.04 m pixels (UTM 18N)
        double x0 = 101985 + 100 * 300.0379266750948, y0 = 2826915 - 50 * 300.041782729805;
        double x1 = x0 + 200 * 300.0379266750948, y1 = y0 - 100 * 300.041782729805;
        String wkt = String.format(java.util.Locale.ROOT, "POLYGON ((%f %f, %f %f, %f %f, %f %f, %f %f))",
                x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
        Envelope e = AreaOfInterest.parse(wkt, null, georef).getEnvelopeInternal();
        assertEquals(100, e.getMinX(), 1e-6);
        assertEquals(300, e.getMaxX(), 1e-6);
        assertEquals(50, e.getMinY(), 1e-6);
        assertEquals(150, e.getMaxY(), 1e-6);
    }

    @Test
    void geoJsonInEpsg4326IsTransformed() {
        // pixel centres (100.5, 200.5) and (400, 300) per rasterio/PROJ: (-78.64302, 24.97171), (-77.74808, 24.72152)
        String json = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-78.64302347912708,24.97170745156826],"
                + "[-77.74808318937289,24.97170745156826],[-77.74808318937289,24.721522370605125],"
                + "[-78.64302347912708,24.721522370605125],[-78.64302347912708,24.97170745156826]]]}}";
        Geometry px = AreaOfInterest.parse(json, "EPSG:4326", georef);
        // a lon/lat rectangle is a rotated, slightly curved quadrilateral in UTM (meridian convergence)
        assertTrue(px.getCoordinates().length > 5, "edges are densified before transforming");
        Envelope e = px.getEnvelopeInternal();
        assertEquals(250, (e.getMinX() + e.getMaxX()) / 2, 5.0);
        assertEquals(250, (e.getMinY() + e.getMaxY()) / 2, 5.0);
        boolean foundCorner = false, foundOther = false;
        for (var c : px.getCoordinates()) {
            foundCorner |= Math.abs(c.x - 100.5) < 0.05 && Math.abs(c.y - 200.5) < 0.05;
            foundOther |= Math.abs(c.x - 400) < 0.05 && Math.abs(c.y - 300) < 0.05;
        }
        assertTrue(foundOther, "corner (-77.748, 24.722) maps to pixel (400, 300)");
        assertTrue(foundCorner, "corner (-78.643, 24.972) maps to pixel (100.5, 200.5)");
    }

    @Test
    void multiPolygonGeoJsonAndBadInput() {
        Geometry g = AreaOfInterest.parse("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[101985,2826915],[131985,2826915],"
                + "[131985,2796915],[101985,2826915]]]]}", null, georef);
        assertEquals("MultiPolygon", g.getGeometryType());
        assertBad("POINT (1 2)", "must be a non-empty Polygon or MultiPolygon");
        assertBad("POLYGON ((0 0, 1 1", "neither GeoJSON nor valid WKT");
        assertBad("{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}", "LineString");
        assertBad("{\"type\":", "not valid GeoJSON");
        assertBad("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))", "not a valid polygon");
        assertEquals(Kind.INVALID_ARGUMENT, assertThrows(Eo2SarException.class,
                () -> AreaOfInterest.parse("POLYGON ((0 0, 1 0, 1 1, 0 0))", "EPSG:999999", georef)).kind());
    }

    private static void assertBad(String text, String expected) {
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> AreaOfInterest.parse(text, null, georef));
        assertEquals(Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
