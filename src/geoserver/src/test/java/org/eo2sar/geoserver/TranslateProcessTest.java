package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eo2sar.core.Progress;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.pipeline.TranslatedImage;
import org.eo2sar.core.pipeline.TranslationOptions;
import org.eo2sar.core.pipeline.Translator;
import org.eo2sar.core.raster.GeoRaster;
import org.geotools.api.data.Query;
import org.geotools.api.metadata.spatial.PixelOrientation;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.coverage.Category;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.coverage.util.CoverageUtilities;
import org.geotools.coverage.grid.GridCoverageFactory;
import org.geotools.coverage.grid.GridEnvelope2D;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.process.ProcessException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/** eo2sar:Translate on RGB.byte.tif (Landsat, UTM 18N, 300 m, nodata 0 around the scene) with the tiny models. */
class TranslateProcessTest {
    @TempDir
    static Path tmp;

    static GeoRaster raster;
    static GridCoverage2D eo;
    static ModelRegistry registry;
    static TranslateProcess process;
    static GridCoverage2D baseline;
    static RecordingListener baselineListener;

    @BeforeAll
    static void setUp() throws Exception {
        raster = Fixtures.open("RGB.byte.tif");
        eo = Fixtures.coverage("RGB.byte.tif");
        registry = new ModelRegistry(Fixtures.settings(Fixtures.modelsDir(tmp)));
        process = new TranslateProcess(registry);
        baselineListener = new RecordingListener(false);
        baseline = run(null, null, null, baselineListener);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
        raster.close();
    }

    static GridCoverage2D run(String bands, String outputType, Geometry roi, RecordingListener listener) {
        return process.execute(eo, Fixtures.TILE_INVARIANT, bands, null, null, null, null, outputType, roi, listener);
    }

    static float value(GridCoverage2D c, int x, int y) {
        Raster r = c.getRenderedImage().getData();
        return r.getSampleFloat(x, y, 0);
    }

    @Test
    void outputKeepsTheInputGridAndCrs() {
        assertSame(eo.getGridGeometry(), baseline.getGridGeometry());
        assertEquals(eo.getGridGeometry(), baseline.getGridGeometry());
        assertEquals(eo.getCoordinateReferenceSystem(), baseline.getCoordinateReferenceSystem());
        assertEquals(791, baseline.getRenderedImage().getWidth());
        assertEquals(718, baseline.getRenderedImage().getHeight());
        assertEquals(eo.getRenderedImage().getMinX(), baseline.getRenderedImage().getMinX());
        assertEquals(1, baseline.getNumSampleDimensions());
        assertEquals("VV", baseline.getSampleDimension(0).getDescription().toString());
        // nodata where GeoTools looks for it: the GC_NODATA property and a category named like Category.NODATA
        assertTrue(Double.isNaN(CoverageUtilities.getNoDataProperty(baseline).getAsSingleValue()));
        assertTrue(Double.isNaN(CoverageUtilities.getBackgroundValues(baseline)[0]));
        assertEquals(Category.NODATA.getName(), baseline.getSampleDimension(0).getCategories().get(0).getName());
        assertEquals(DataBuffer.TYPE_FLOAT, baseline.getRenderedImage().getSampleModel().getDataType());
    }

    @Test
    void nodataBorderBecomesNanAndTheSceneIsInDecibels() {
        // the corners of RGB.byte.tif are nodata (0 in every band)
        assertEquals(0, raster.image().getData().getSample(0, 0, 0));
        assertTrue(Float.isNaN(value(baseline, 0, 0)));
        assertTrue(Float.isNaN(value(baseline, 790, 717)));
        float centre = value(baseline, 400, 360);
        assertTrue(centre >= -25f && centre <= 0f, "dB value in the model's output range, got " + centre);
    }

    @Test
    void matchesTheCoreTranslatorExactly() {
        try (TranslatedImage core = new Translator(registry.generator(Fixtures.TILE_INVARIANT, DeviceSpec.CPU))
                .translate(raster.image(), TranslationOptions.defaults()
                        .withInputNodata(OptionalDouble.of(0)), Progress.NONE)) {
            Raster expected = core.getData();
            Raster actual = baseline.getRenderedImage().getData();
            float[] e = expected.getSamples(0, 0, 791, 718, 0, (float[]) null);
            float[] a = actual.getSamples(0, 0, 791, 718, 0, (float[]) null);
            assertArrayEquals(e, a);
        }
    }

    @Test
    void reportsProgressToTheListener() {
        assertTrue(baselineListener.started);
        assertTrue(baselineListener.completed);
        assertFalse(baselineListener.progress.isEmpty());
        assertEquals(100f, baselineListener.progress.get(baselineListener.progress.size() - 1));
    }

    @Test
    void bandParameterReordersTheInput() {
        GridCoverage2D bgr = run("3,2,1", null, null, null);
        assertNotEquals(value(baseline, 400, 360), value(bgr, 400, 360));
        GridCoverage2D same = run(" 1, 2 ,3", null, null, null);
        assertEquals(value(baseline, 400, 360), value(same, 400, 360));
    }

    @Test
    void roiInTheCoverageCrsLimitsTheTranslation() {
        AffineTransform g2w = (AffineTransform) eo.getGridGeometry().getGridToCRS2D(PixelOrientation.UPPER_LEFT);
        // left half of the image, as a polygon in UTM metres
        Coordinate[] ring = new Coordinate[5];
        double[][] px = {{0, 0}, {395, 0}, {395, 718}, {0, 718}, {0, 0}};
        for (int i = 0; i < 5; i++) {
            Point2D w = g2w.transform(new Point2D.Double(px[i][0], px[i][1]), null);
            ring[i] = new Coordinate(w.getX(), w.getY());
        }
        Geometry roi = new GeometryFactory().createPolygon(ring);
        GridCoverage2D left = run(null, null, roi, null);
        assertFalse(Float.isNaN(value(baseline, 600, 360)), "precondition: (600,360) is inside the scene");
        assertTrue(Float.isNaN(value(left, 600, 360)));
        assertEquals(value(baseline, 300, 360), value(left, 300, 360));
    }

    @Test
    void roiOutsideTheCoverageIsRefused() {
        Geometry far = new GeometryFactory().toGeometry(new Envelope(0, 10, 0, 10));
        ProcessException e = assertThrows(ProcessException.class, () -> run(null, null, far, null));
        assertTrue(e.getMessage().contains("does not overlap the coverage"), e.getMessage());
    }

    @Test
    void uint8OutputUsesZeroAsNodata() {
        GridCoverage2D u8 = run(null, "UINT8", null, null);
        assertEquals(DataBuffer.TYPE_BYTE, u8.getRenderedImage().getSampleModel().getDataType());
        assertEquals(0, u8.getRenderedImage().getData().getSample(0, 0, 0));
        assertTrue(u8.getRenderedImage().getData().getSample(400, 360, 0) > 0);
        assertEquals(0.0, CoverageUtilities.getNoDataProperty(u8).getAsSingleValue());
        assertEquals(0.0, CoverageUtilities.getBackgroundValues(u8)[0]);
    }

    @Test
    void cancellationAfterTheFirstBatchFailsWithoutOutput() {
        RecordingListener cancelling = new RecordingListener(true);
        int free = registry.gate().available();
        ProcessException e = assertThrows(ProcessException.class,
                () -> process.execute(eo, Fixtures.INSTANCE_NORM, null, "cpu", 128, null, null, null, null, cancelling));
        assertEquals("eo2sar:Translate: translation cancelled", e.getMessage());
        assertFalse(cancelling.completed);
        assertTrue(cancelling.progress.get(0) < 100f, "stopped before the end: " + cancelling.progress);
        assertEquals(free, registry.gate().available(), "the translation slot was released");
    }

    @Test
    void concurrentRequestsShareOneSessionAndAgree() throws Exception {
        int sessions = registry.openSessions();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<GridCoverage2D>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> run(null, null, null, null)));
            }
            float[] expected = baseline.getRenderedImage().getData().getSamples(0, 0, 791, 718, 0, (float[]) null);
            for (Future<GridCoverage2D> f : runs) {
                assertArrayEquals(expected, f.get().getRenderedImage().getData().getSamples(0, 0, 791, 718, 0,
                        (float[]) null));
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(sessions, registry.openSessions(), "no new session per request");
        assertEquals(2, registry.gate().available(), "all slots free again");
    }

    /**
     * The rendering path: a native-resolution map tile grown by invertGridGeometry is read as a
     * window whose image starts at (268, 216), translated, and its visible part equals the same
     * pixels of the whole-raster translation (the tile-invariant model's receptive field, 28 px,
     * fits in the 32 px margin).
     */
    @Test
    void mapTileReadWithTheMarginMatchesTheWholeTranslation() {
        GridGeometry2D full = eo.getGridGeometry();
        GridGeometry2D view = new GridGeometry2D(new GridEnvelope2D(300, 250, 128, 100), PixelInCell.CELL_CORNER,
                full.getGridToCRS2D(PixelOrientation.UPPER_LEFT), full.getCoordinateReferenceSystem(), null);
        GridGeometry2D read = (GridGeometry2D) process.invertGridGeometry(Fixtures.TILE_INVARIANT, null, null,
                new Query(), view);
        Rectangle window = read.getGridRange2D();
        assertEquals(new Rectangle(268, 216, 192, 168), window, "margin 32, snapped to multiples of 4");
        RenderedImage windowImage = new RasterImage(raster.image().getData(window), raster.image().getColorModel());
        GridCoverage2D tile = new GridCoverageFactory().create("window", windowImage, read, eo.getSampleDimensions(),
                null, null);

        GridCoverage2D out = process.execute(tile, Fixtures.TILE_INVARIANT, null, null, null, null, null, null, null,
                null);
        assertSame(read, out.getGridGeometry());
        assertEquals(268, out.getRenderedImage().getMinX());
        Raster got = out.getRenderedImage().getData();
        Raster whole = baseline.getRenderedImage().getData();
        double worst = 0;
        for (int y = 250; y < 350; y++) {
            for (int x = 300; x < 428; x++) {
                worst = Math.max(worst, Math.abs(got.getSampleFloat(x, y, 0) - whole.getSampleFloat(x, y, 0)));
            }
        }
        assertTrue(worst < 1e-3, "max |tile - whole| = " + worst + " dB");
    }

    @Test
    void badParametersGiveClearMessages() {
        assertMessage("unknown model 'nope'; available in", () -> process.execute(eo, "nope", null, null, null, null,
                null, null, null, null));
        assertMessage(Fixtures.INSTANCE_NORM, () -> process.execute(eo, "../models/x", null, null, null, null,
                null, null, null, null));
        assertMessage("the model needs 3 input bands", () -> run("1,2", null, null, null));
        assertMessage("band 4 does not exist", () -> run("4,2,1", null, null, null));
        assertMessage("bands must be comma-separated band numbers", () -> run("red,green,blue", null, null, null));
        assertMessage("outputType must be float32 or uint8, got 'int16'", () -> run(null, "int16", null, null));
        assertMessage("unknown device 'tpu'", () -> process.execute(eo, Fixtures.TILE_INVARIANT, null, "tpu", null,
                null, null, null, null, null));
        assertMessage("tile must be >= 0", () -> process.execute(eo, Fixtures.TILE_INVARIANT, null, null, -5,
                null, null, null, null, null));
        assertMessage("the input coverage 'data' is required", () -> process.execute(null, Fixtures.TILE_INVARIANT,
                null, null, null, null, null, null, null, null));
    }

    @Test
    void inputsOverThePixelLimitAreRefused() {
        PluginSettings s = registry.settings();
        try (ModelRegistry small = new ModelRegistry(new PluginSettings(s.modelsDir(), "cpu", 1, 5, 100_000, 4, 60))) {
            TranslateProcess p = new TranslateProcess(small);
            assertMessage("over the limit of 100000", () -> p.execute(eo, Fixtures.TILE_INVARIANT, null, null, null,
                    null, null, null, null, null));
            assertEquals(0, small.openSessions(), "refused before any model was opened");
        }
    }

    private static void assertMessage(String expected, Executable call) {
        ProcessException e = assertThrows(ProcessException.class, call);
        assertTrue(e.getMessage().startsWith("eo2sar:Translate: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
