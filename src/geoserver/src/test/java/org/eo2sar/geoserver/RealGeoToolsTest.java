package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Rectangle;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.geotools.api.parameter.GeneralParameterValue;
import org.geotools.api.parameter.ParameterValue;
import org.geotools.coverage.Category;
import org.geotools.coverage.GridSampleDimension;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.coverage.grid.GridCoverageFactory;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.coverage.grid.io.AbstractGridFormat;
import org.geotools.gce.geotiff.GeoTiffReader;
import org.geotools.gce.geotiff.GeoTiffWriter;
import org.geotools.util.NumberRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eo2sar:Translate with GeoTools' own classes end to end: a coverage from the real GeoTiffReader
 * (RGB.byte.tif: its nodata 0 only in the GC_NODATA property), the result written by the real
 * GeoTiffWriter and read back by GDAL's gdalinfo.
 */
class RealGeoToolsTest {
    @TempDir
    static Path tmp;

    static ModelRegistry registry;
    static TranslateProcess process;
    static GridCoverage2D eo;

    @BeforeAll
    static void setUp() throws Exception {
        registry = new ModelRegistry(Fixtures.settings(Fixtures.modelsDir(tmp)));
        process = new TranslateProcess(registry);
        eo = Fixtures.coverage("RGB.byte.tif");
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    static GridCoverage2D translate(GridCoverage2D in, String outputType) {
        return process.execute(in, Fixtures.TILE_INVARIANT, null, null, null, null, null, outputType, null, null);
    }

    static float[] pixels(GridCoverage2D c) {
        Raster r = c.getRenderedImage().getData();
        return r.getSamples(r.getMinX(), r.getMinY(), r.getWidth(), r.getHeight(), 0, (float[]) null);
    }

    /** The pixels of the GeoTiffReader coverage in an image without GeoTools properties. */
    static RasterImage plainImage() {
        return new RasterImage(eo.getRenderedImage().getData(), eo.getRenderedImage().getColorModel());
    }

    @Test
    void geoTiffReaderNodataIsHonoured() {
        // GeoTiffReader puts the file's nodata into GC_NODATA (a JAI-ext NoDataContainer in GeoTools 33)
        assertTrue(TranslateProcess.property(eo, TranslateProcess.GC_NODATA) != null);
        assertEquals(0.0, TranslateProcess.inputNodata(eo, null).getAsDouble());
        GridCoverage2D out = translate(eo, null);
        assertTrue(Float.isNaN(out.getRenderedImage().getData().getSampleFloat(0, 0, 0)), "nodata corner");
        assertFalse(Float.isNaN(out.getRenderedImage().getData().getSampleFloat(400, 360, 0)), "scene centre");
    }

    @Test
    void nodataOnlyInGcNodataGivesTheSameResult() {
        GridSampleDimension[] bands = {new GridSampleDimension("r"), new GridSampleDimension("g"),
                new GridSampleDimension("b")};
        GridCoverage2D onlyProperty = new GridCoverageFactory().create("gc-nodata-only", plainImage(),
                eo.getGridGeometry(), bands, null, Map.of(TranslateProcess.GC_NODATA, 0.0));
        assertNull(onlyProperty.getSampleDimension(0).getNoDataValues(), "precondition: nothing in the bands");
        assertArrayEquals(pixels(translate(eo, null)), pixels(translate(onlyProperty, null)));
        GridCoverage2D none = new GridCoverageFactory().create("no-nodata", plainImage(), eo.getGridGeometry(), bands,
                null, null);
        assertFalse(Float.isNaN(none.getRenderedImage().getData().getSampleFloat(0, 0, 0)
                + translate(none, null).getRenderedImage().getData().getSampleFloat(0, 0, 0)),
                "without any nodata the corner is translated");
    }

    @Test
    void nodataDeclaredOnlyInTheSampleDimensionsGivesTheSameResult() {
        // quantitative + "No data" categories, no GC_NODATA property: getNoDataValues() answers 0
        GridSampleDimension[] bands = new GridSampleDimension[3];
        for (int b = 0; b < 3; b++) {
            bands[b] = new GridSampleDimension("band" + (b + 1), new Category[] {
                    new Category(Category.NODATA.getName(), new java.awt.Color(0, 0, 0, 0), 0),
                    new Category("reflectance", (java.awt.Color[]) null, NumberRange.create(1, 255))}, null);
        }
        GridCoverage2D declared = new GridCoverageFactory().create("declared", plainImage(),
                eo.getGridGeometry(), bands, null, null);
        assertNull(TranslateProcess.property(declared, TranslateProcess.GC_NODATA));
        assertArrayEquals(new double[] {0}, declared.getSampleDimension(0).getNoDataValues());
        assertArrayEquals(pixels(translate(eo, null)), pixels(translate(declared, null)));
    }

    @Test
    void gcRoiMaskPixelsBecomeNodata() throws Exception {
        // a JAI ROI (GeoTools 33) over the left half, found by name as the plugin does
        Object roi = Class.forName("javax.media.jai.ROIShape").getConstructor(java.awt.Shape.class)
                .newInstance(new Rectangle(0, 0, 395, 718));
        Map<String, Object> props = new HashMap<>();
        props.put(TranslateProcess.GC_NODATA, 0.0);
        props.put(TranslateProcess.GC_ROI, roi);
        GridCoverage2D masked = new GridCoverageFactory().create("masked", plainImage(),
                eo.getGridGeometry(), eo.getSampleDimensions(), null, props);
        GridCoverage2D whole = translate(eo, null);
        GridCoverage2D left = translate(masked, null);
        Raster w = whole.getRenderedImage().getData();
        Raster l = left.getRenderedImage().getData();
        assertFalse(Float.isNaN(w.getSampleFloat(600, 360, 0)), "precondition: inside the scene");
        assertTrue(Float.isNaN(l.getSampleFloat(600, 360, 0)), "outside the ROI");
        // well inside the ROI (more than the model's 28 px receptive field from its edge): unchanged
        assertEquals(w.getSampleFloat(300, 360, 0), l.getSampleFloat(300, 360, 0));
    }

    @Test
    void uint8ResultWrittenByGeoTiffWriterKeepsGridCrsAndNodata() throws Exception {
        File tif = tmp.resolve("sar-u8.tif").toFile();
        write(translate(eo, "uint8"), tif);
        JsonNode in = gdalinfo(Fixtures.raster("RGB.byte.tif").toFile());
        JsonNode out = gdalinfo(tif);
        assertEquals(in.get("size"), out.get("size"));
        assertEquals(in.get("geoTransform"), out.get("geoTransform"));
        assertTrue(out.get("coordinateSystem").get("wkt").asText().contains("\"EPSG\",32618"),
                out.get("coordinateSystem").toString());
        assertEquals(1, out.get("bands").size());
        assertEquals("Byte", out.get("bands").get(0).get("type").asText());
        assertEquals(0.0, out.get("bands").get(0).get("noDataValue").asDouble(), "nodata tag 0 written");
    }

    /**
     * float32: GeoTiffWriter never writes a NaN nodata tag (GeoTools 33-35 skip NaN), so the file
     * carries NaN pixels without a tag; GDAL's statistics still leave them out.
     */
    @Test
    void float32ResultWrittenByGeoTiffWriterHasNanWhereTheInputHadNodata() throws Exception {
        File tif = tmp.resolve("sar-f32.tif").toFile();
        GridCoverage2D sar = translate(eo, null);
        write(sar, tif);
        JsonNode out = gdalinfo(tif);
        assertEquals(gdalinfo(Fixtures.raster("RGB.byte.tif").toFile()).get("geoTransform"), out.get("geoTransform"));
        assertEquals("Float32", out.get("bands").get(0).get("type").asText());
        assertNull(out.get("bands").get(0).get("noDataValue"));
        GridCoverage2D back = new GeoTiffReader(tif).read(null);
        assertArrayEquals(pixels(sar), pixels(back));
        assertTrue(Float.isNaN(back.getRenderedImage().getData().getSampleFloat(0, 0, 0)));
    }

    static void write(GridCoverage2D coverage, File file) throws IOException {
        GeoTiffWriter writer = new GeoTiffWriter(file);
        try {
            writer.write(coverage, null);
        } finally {
            writer.dispose();
        }
    }

    static JsonNode gdalinfo(File file) throws Exception {
        Process p = new ProcessBuilder("gdalinfo", "-json", file.getPath()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        return new ObjectMapper().readTree(text);
    }

    @Test
    void aReadWindowOfTheRealReaderKeepsItsGrid() throws Exception {
        GeoTiffReader reader = Fixtures.reader("RGB.byte.tif");
        GridGeometry2D full = eo.getGridGeometry();
        GridGeometry2D window = new GridGeometry2D(new org.geotools.coverage.grid.GridEnvelope2D(100, 100, 64, 64),
                full.getGridToCRS(), full.getCoordinateReferenceSystem());
        ParameterValue<GridGeometry2D> gg = AbstractGridFormat.READ_GRIDGEOMETRY2D.createValue();
        gg.setValue(window);
        GridCoverage2D part = reader.read(new GeneralParameterValue[] {gg});
        GridCoverage2D out = translate(part, null);
        assertSame(part.getGridGeometry(), out.getGridGeometry());
        reader.dispose();
    }
}
