package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.Raster;
import java.nio.file.Path;
import org.eo2sar.core.FileTranslation;
import org.eo2sar.core.Progress;
import org.eo2sar.core.TranslateRequest;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.OutputType;
import org.geotools.api.filter.expression.Function;
import org.geotools.api.metadata.spatial.PixelOrientation;
import org.geotools.api.parameter.GeneralParameterValue;
import org.geotools.api.parameter.ParameterValue;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.coverage.grid.GridEnvelope2D;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.coverage.grid.io.AbstractGridFormat;
import org.geotools.filter.function.RenderingTransformation;
import org.geotools.gce.geotiff.GeoTiffReader;
import org.geotools.referencing.operation.transform.AffineTransform2D;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.GenericXmlApplicationContext;

/**
 * A map zoomed out up to {@code maxCoarsening}: through GeoTools' own ProcessFunction and the real
 * GeoTiffReader, driven as the renderer drives it ({@link RendererRead}), the map shows the
 * whole-raster native translation averaged in linear power, not a translation of downsampled input.
 */
class CoarseViewTest {
    @TempDir
    static Path dataDir;

    static GenericXmlApplicationContext context;
    static GeoTiffReader reader;
    /** The whole raster translated at native resolution (float dB): the reference every view must show. */
    static GridCoverage2D whole;
    static final ThreadLocal<Raster> WHOLE_PIXELS = ThreadLocal.withInitial(() -> whole.getRenderedImage().getData());

    @BeforeAll
    static void setUp() throws Exception {
        context = Fixtures.startContext(dataDir);
        reader = Fixtures.reader("RGB.byte.tif");
        whole = context.getBean(TranslateProcess.class).execute(reader.read(null), Fixtures.TILE_INVARIANT, null,
                null, null, null, null, null, null, null);
    }

    @AfterAll
    static void tearDown() {
        reader.dispose();
        context.close();
    }

    /** A map grid of {@code w}x{@code h} pixels {@code ratio} times coarser than native, its origin off the native grid. */
    static GridGeometry2D map(double ratio, double offsetPixels, int w, int h) {
        AffineTransform nat = (AffineTransform) reader.getOriginalGridToWorld(PixelInCell.CELL_CORNER);
        double x0 = nat.getTranslateX() + (100 + offsetPixels) * nat.getScaleX();
        double y0 = nat.getTranslateY() + (120 + offsetPixels) * nat.getScaleY();
        return new GridGeometry2D(new GridEnvelope2D(0, 0, w, h), PixelInCell.CELL_CORNER,
                new AffineTransform2D(nat.getScaleX() * ratio, 0, 0, nat.getScaleY() * ratio, x0, y0),
                reader.getCoordinateReferenceSystem(), null);
    }

    /**
     * The oracle, in world coordinates: the linear-power mean of the whole translation's pixels whose
     * centres fall inside pixel (x, y) of {@code grid}.
     */
    static double expected(GridGeometry2D grid, int x, int y) throws Exception {
        AffineTransform g = (AffineTransform) grid.getGridToCRS2D(PixelOrientation.UPPER_LEFT);
        Point2D lo = g.transform(new Point2D.Double(x, y + 1), null), hi = g.transform(new Point2D.Double(x + 1, y), null);
        AffineTransform w = (AffineTransform) whole.getGridGeometry().getGridToCRS2D(PixelOrientation.UPPER_LEFT);
        Raster r = WHOLE_PIXELS.get();
        // candidates: the pixel box spanned by the corners, one pixel wider; the test below decides
        Point2D a = w.inverseTransform(lo, null), b = w.inverseTransform(hi, null);
        int u0 = Math.max(r.getMinX(), (int) Math.floor(Math.min(a.getX(), b.getX())) - 1);
        int u1 = Math.min(r.getMinX() + r.getWidth(), (int) Math.ceil(Math.max(a.getX(), b.getX())) + 1);
        int v0 = Math.max(r.getMinY(), (int) Math.floor(Math.min(a.getY(), b.getY())) - 1);
        int v1 = Math.min(r.getMinY() + r.getHeight(), (int) Math.ceil(Math.max(a.getY(), b.getY())) + 1);
        double sum = 0;
        int n = 0;
        for (int v = v0; v < v1; v++) {
            for (int u = u0; u < u1; u++) {
                Point2D c = w.transform(new Point2D.Double(u + 0.5, v + 0.5), null);
                if (c.getX() >= lo.getX() && c.getX() < hi.getX() && c.getY() > lo.getY() && c.getY() <= hi.getY()) {
                    float db = r.getSampleFloat(u, v, 0);
                    if (!Float.isNaN(db)) {
                        sum += Math.pow(10, db / 10);
                        n++;
                    }
                }
            }
        }
        return n == 0 ? Double.NaN : 10 * Math.log10(sum / n);
    }

    /** Pixel coordinates in {@code c}'s grid of the centre of map pixel (i, j). */
    static int[] pixelOf(GridCoverage2D c, GridGeometry2D map, int i, int j) throws Exception {
        Point2D w = ((AffineTransform) map.getGridToCRS2D(PixelOrientation.UPPER_LEFT))
                .transform(new Point2D.Double(i + 0.5, j + 0.5), null);
        Point2D p = ((AffineTransform) c.getGridGeometry().getGridToCRS2D(PixelOrientation.UPPER_LEFT))
                .inverseTransform(w, null);
        return new int[] {(int) Math.floor(p.getX()), (int) Math.floor(p.getY())};
    }

    static double sample(GridCoverage2D c, int[] xy) {
        return c.getRenderedImage().getData().getSampleDouble(xy[0], xy[1], 0);
    }

    @Test
    void aZoomedOutMapShowsTheNativeTranslationAveragedInPower() throws Exception {
        GridGeometry2D map = map(2.5, 1.3, 40, 30);
        Function f = Fixtures.translateFunction();
        RendererRead.Rendered r = RendererRead.render((RenderingTransformation) f, reader, map);
        GridCoverage2D rendered = r.output();
        // the result is on the grid GeoTools read (about the map's resolution, plus the margin), not the native one
        assertEquals(r.input().getGridGeometry(), rendered.getGridGeometry());
        assertTrue(NativeResolutionRead.pixelSize(rendered.getGridGeometry().getGridToCRS2D()) > 2 * 300.04);

        // the old way, for contrast: the model run on the pixels GeoTools read at the map's resolution
        GridCoverage2D downsampledInput = context.getBean(TranslateProcess.class).execute(
                r.input(), Fixtures.TILE_INVARIANT, null, null, null, null, null, null, null, null);
        double maxError = 0, oldError = 0;
        int n = 0;
        for (int j = 0; j < 30; j++) {
            for (int i = 0; i < 40; i++) {
                int[] xy = pixelOf(rendered, map, i, j);
                double want = expected(rendered.getGridGeometry(), xy[0], xy[1]);
                if (Double.isNaN(want)) { // outside the scene's valid pixels (its nodata is 0)
                    assertTrue(Double.isNaN(sample(rendered, xy)), "nodata at " + i + "," + j);
                    continue;
                }
                maxError = Math.max(maxError, Math.abs(sample(rendered, xy) - want));
                double old = sample(downsampledInput, xy);
                if (!Double.isNaN(old)) { // the downsampled scene's nodata border differs a little
                    oldError += Math.abs(old - want);
                    n++;
                }
            }
        }
        assertTrue(n > 600, n + " valid map pixels");
        oldError /= n;
        System.out.printf("coarse view 2.5x: max |map - averaged native| = %.2g dB; translating the coarse input: "
                + "mean %.2f dB off%n", maxError, oldError);
        assertTrue(maxError < 1e-3, "max error " + maxError + " dB");
        assertTrue(oldError > 10 * maxError + 0.1, "the old way is off by only " + oldError + " dB");
    }

    @Test
    void uint8MapsAreTheAveragedDbMappedForDisplay() throws Exception {
        GridGeometry2D map = map(4, 0, 24, 20); // at the default maxCoarsening, aligned on native pixels
        GridCoverage2D db = RendererRead.render((RenderingTransformation) Fixtures.translateFunction(), reader, map)
                .output();
        GridCoverage2D bytes = RendererRead.render(
                (RenderingTransformation) Fixtures.translateFunction("outputType", "uint8"), reader, map).output();
        assertEquals(db.getGridGeometry(), bytes.getGridGeometry());
        for (int j = 0; j < 20; j++) {
            for (int i = 0; i < 24; i++) {
                int[] xy = pixelOf(db, map, i, j);
                double want = expected(db.getGridGeometry(), xy[0], xy[1]);
                assertEquals(want, sample(db, xy), 1e-3); // NaN equals NaN here
                assertEquals(OutputType.toUint8((float) want), (int) sample(bytes, xy), "pixel " + i + "," + j);
            }
        }
    }

    @Test
    void aPrecomputedTranslationServesItsPowerAveragedOverviewsToGeoTools() throws Exception {
        // the other way to zoom out: publish eo2sar translate's COG as a plain layer; GeoTools reads its overviews
        Path cog = dataDir.resolve("sar.tif");
        OnnxGenerator generator = context.getBean(ModelRegistry.class).generator(Fixtures.TILE_INVARIANT,
                DeviceSpec.parse("cpu"));
        FileTranslation.run(generator, TranslateRequest.of(Fixtures.raster("RGB.byte.tif"), cog), Progress.NONE);
        GeoTiffReader sar = new GeoTiffReader(cog.toFile());
        try {
            assertTrue(sar.getDatasetLayout().getNumInternalOverviews() >= 1);
            GridCoverage2D full = sar.read(null);
            GridGeometry2D halfGrid = new GridGeometry2D(new GridEnvelope2D(0, 0, 791 / 2, 718 / 2),
                    full.getEnvelope());
            ParameterValue<GridGeometry2D> read = AbstractGridFormat.READ_GRIDGEOMETRY2D.createValue();
            read.setValue(halfGrid);
            Raster half = sar.read(new GeneralParameterValue[] {read}).getRenderedImage().getData();
            Raster native_ = full.getRenderedImage().getData();
            assertEquals(396, half.getWidth()); // the overview's own size: GeoTools read it, not a decimation
            int compared = 0;
            for (int y = 100; y < 300; y += 7) {
                for (int x = 100; x < 300; x += 7) {
                    double sum = 0;
                    int n = 0;
                    for (int k = 0; k < 4; k++) {
                        float v = native_.getSampleFloat(2 * x + (k & 1), 2 * y + (k >> 1), 0);
                        if (!Float.isNaN(v)) {
                            sum += Math.pow(10, v / 10);
                            n++;
                        }
                    }
                    if (n > 0) {
                        assertEquals(10 * Math.log10(sum / n), half.getSampleFloat(x, y, 0), 1e-3);
                        compared++;
                    }
                }
            }
            assertTrue(compared > 500, compared + " pixels compared");
        } finally {
            sar.dispose();
        }
    }
}
