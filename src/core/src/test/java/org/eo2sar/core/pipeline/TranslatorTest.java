package org.eo2sar.core.pipeline;

import static org.eo2sar.core.pipeline.PipelineFixtures.ALL_NODATA;
import static org.eo2sar.core.pipeline.PipelineFixtures.FLOAT1;
import static org.eo2sar.core.pipeline.PipelineFixtures.INSTANCE;
import static org.eo2sar.core.pipeline.PipelineFixtures.INVARIANT;
import static org.eo2sar.core.pipeline.PipelineFixtures.RGB;
import static org.eo2sar.core.pipeline.PipelineFixtures.band;
import static org.eo2sar.core.pipeline.PipelineFixtures.diff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.Progress;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKTReader;

/** The pipeline on the real RGB.byte.tif scene with the two real tiny generators. */
class TranslatorTest {
    /** Tolerance for tiled vs whole-image output of the tile-invariant model (float32 rounding in the convolutions). */
    static final double INVARIANT_TOLERANCE_DB = 1e-4;

    static OnnxGenerator invariant;
    static OnnxGenerator instance;
    static GeoRaster rgb;
    static TranslationOptions base;

    @BeforeAll
    static void open() {
        invariant = OnnxGenerator.open(INVARIANT, DeviceSpec.CPU);
        instance = OnnxGenerator.open(INSTANCE, DeviceSpec.CPU);
        rgb = GeoTiffRasters.open(RGB);
        base = TranslationOptions.defaults().withInputNodata(rgb.info().nodata());
    }

    @AfterAll
    static void close() {
        rgb.close();
        invariant.close();
        instance.close();
    }

    static float[] translate(OnnxGenerator g, TranslationOptions o) {
        try (TranslatedImage img = new Translator(g).translate(rgb.image(), o, Progress.NONE)) {
            return band(img, 0);
        }
    }

    /** Tile size covering the whole 791×718 scene in one window: "the model run on the whole image at once". */
    static TranslationOptions whole(TranslationOptions o) {
        return o.withTileSize(792);
    }

    @Test
    void tileInvariantModelTiledEqualsWholeImage() {
        TranslationOptions tiled = base.withTileSize(128).withMargin(32); // margin 32 >= receptive radius 28
        float[] t = translate(invariant, tiled);
        float[] w = translate(invariant, whole(tiled));
        double[] d = diff(t, w);
        System.out.printf("tile-invariant model, tile 128 margin 32 vs whole image: max %.3g dB, mean %.3g dB over %d px%n",
                d[0], d[1], (long) d[2]);
        assertTrue(d[2] > 300_000, "most of the scene is valid");
        assertTrue(d[0] <= INVARIANT_TOLERANCE_DB, "max |tiled - whole| = " + d[0] + " dB");
        // FEATHER uses pixels >= M/2 inside each window: with M = 64, M/2 covers the receptive field too
        TranslationOptions feather = tiled.withMargin(64).withStitch(Stitch.FEATHER);
        double[] f = diff(translate(invariant, feather), translate(invariant, whole(feather)));
        assertTrue(f[0] <= INVARIANT_TOLERANCE_DB, "feather max |tiled - whole| = " + f[0]);
    }

    @Test
    void tooSmallMarginBreaksTileInvariance() {
        TranslationOptions tiled = base.withTileSize(128).withMargin(4);
        double[] d = diff(translate(invariant, tiled), translate(invariant, whole(tiled)));
        System.out.printf("tile-invariant model, margin 4 (< receptive radius): max %.3g dB, mean %.3g dB%n", d[0], d[1]);
        assertTrue(d[0] > INVARIANT_TOLERANCE_DB, "a margin below the receptive field must show");
    }

    @Test
    void marginZeroMeansNoContextAndMinusOneTheCardDefault() {
        try (TranslatedImage none = new Translator(invariant).translate(rgb.image(), base.withMargin(0), Progress.NONE);
             TranslatedImage card = new Translator(invariant).translate(rgb.image(),
                     base.withMargin(TranslationOptions.DEFAULT_MARGIN), Progress.NONE)) {
            assertEquals(0, none.plan().margin());
            assertEquals(invariant.card().tileMargin(), card.plan().margin());
        }
        TranslationOptions noContext = base.withTileSize(128).withMargin(0);
        double[] d = diff(translate(invariant, noContext), translate(invariant, whole(noContext)));
        assertTrue(d[0] > INVARIANT_TOLERANCE_DB, "tiles without context must show seams: " + d[0]);
    }

    @Test
    void instanceNormSeamErrorIsMeasured() {
        float[] w = translate(instance, whole(base));
        double[] crop = diff(translate(instance, base), w);
        double[] feather = diff(translate(instance, base.withStitch(Stitch.FEATHER)), w);
        System.out.printf("SEAM instance-norm model, tile 256 margin 32 vs whole image: CROP max %.3f dB mean %.3f dB; "
                + "FEATHER max %.3f dB mean %.3f dB (over %d px)%n", crop[0], crop[1], feather[0], feather[1], (long) crop[2]);
        assertTrue(Double.isFinite(crop[0]) && Double.isFinite(feather[0]));
        assertTrue(crop[1] > 1e-3, "per-tile statistics must make tiles differ from the whole image: " + crop[1]);
    }

    @Test
    void featherSmoothsTheSeamsOfTheInstanceNormModel() {
        TranslationOptions o = base.withTileSize(128).withMargin(32);
        float[] crop = translate(instance, o);
        float[] feather = translate(instance, o.withStitch(Stitch.FEATHER));
        double cropJump = seamJump(crop, 791, 718, 128);
        double featherJump = seamJump(feather, 791, 718, 128);
        double interior = interiorJump(crop, 791, 718, 128);
        System.out.printf("SEAM mean |step| across tile borders: CROP %.3f dB, FEATHER %.3f dB, inside tiles %.3f dB%n",
                cropJump, featherJump, interior);
        assertTrue(featherJump < cropJump, "feather " + featherJump + " vs crop " + cropJump);
    }

    /** Mean |y[x] − y[x−1]| over columns x that are multiples of the tile size (vertical seams). */
    static double seamJump(float[] img, int w, int h, int t) {
        return columnJump(img, w, h, t, t);
    }

    /** The same across columns in the middle of tiles: the image's own texture, for comparison. */
    static double interiorJump(float[] img, int w, int h, int t) {
        return columnJump(img, w, h, t, t / 2);
    }

    private static double columnJump(float[] img, int w, int h, int t, int firstColumn) {
        double s = 0;
        long n = 0;
        for (int x = firstColumn; x < w; x += t) {
            for (int y = 0; y < h; y++) {
                float a = img[y * w + x], b = img[y * w + x - 1];
                if (!Float.isNaN(a) && !Float.isNaN(b)) {
                    s += Math.abs(a - b);
                    n++;
                }
            }
        }
        return s / n;
    }

    @Test
    void nodataBorderStaysNaN() {
        float[] out = translate(invariant, base);
        Raster in = rgb.image().getData();
        int w = 791, nodata = 0, valid = 0;
        for (int y = 0; y < 718; y++) {
            for (int x = 0; x < w; x++) {
                boolean isNodata = in.getSample(x, y, 0) == 0 && in.getSample(x, y, 1) == 0 && in.getSample(x, y, 2) == 0;
                float v = out[y * w + x];
                if (isNodata) {
                    nodata++;
                    assertTrue(Float.isNaN(v), "nodata pixel " + x + "," + y + " became " + v);
                } else {
                    valid++;
                    assertTrue(v >= -25f && v <= 0f, "valid pixel " + x + "," + y + " = " + v + " dB");
                }
            }
        }
        assertTrue(nodata > 100_000 && valid > 300_000, nodata + " nodata, " + valid + " valid");
    }

    @Test
    void allNodataRasterRunsNoInference() {
        try (GeoRaster r = GeoTiffRasters.open(ALL_NODATA);
             TranslatedImage img = new Translator(invariant).translate(r.image(),
                     TranslationOptions.defaults().withInputNodata(r.info().nodata()), Progress.NONE)) {
            float[] out = band(img, 0);
            for (float v : out) {
                assertTrue(Float.isNaN(v));
            }
            TranslationStats s = img.stats();
            assertEquals(0, s.tilesRun());
            assertEquals(0, s.runs());
            assertEquals(s.tilesTotal(), s.tilesSkipped());
            assertTrue(s.tilesTotal() >= 10, "2475 rows / 256 = 10 tile rows, got " + s.tilesTotal());
        }
    }

    @Test
    void bandSelectionErrorsAreInvalidArgument() {
        Translator t = new Translator(invariant);
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> t.translate(rgb.image(), base.withBands(0, 1), Progress.NONE));
        assertEquals(Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("needs 3 input bands [red, green, blue] but 2 were selected"), e.getMessage());
        e = assertThrows(Eo2SarException.class, () -> t.translate(rgb.image(), base.withBands(0, 1, 3), Progress.NONE));
        assertTrue(e.getMessage().contains("band 4 does not exist; the input has 3 bands"), e.getMessage());
        try (GeoRaster one = GeoTiffRasters.open(FLOAT1)) {
            e = assertThrows(Eo2SarException.class, () -> t.translate(one.image(), base, Progress.NONE));
            assertEquals(Kind.INVALID_ARGUMENT, e.kind());
            assertTrue(e.getMessage().contains("the input has only 1"), e.getMessage());
        }
    }

    @Test
    void tileAndMarginMustHonourTheMultiple() {
        Translator t = new Translator(invariant);
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> t.translate(rgb.image(), base.withTileSize(130), Progress.NONE));
        assertEquals(Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("multiple of 4"), e.getMessage());
        e = assertThrows(Eo2SarException.class, () -> t.translate(rgb.image(), base.withMargin(6), Progress.NONE));
        assertEquals(Kind.INVALID_ARGUMENT, e.kind());
        e = assertThrows(Eo2SarException.class, () -> t.translate(rgb.image(), base.withMargin(-4), Progress.NONE));
        assertEquals(Kind.INVALID_ARGUMENT, e.kind());
    }

    @Test
    void bandOrderIsApplied() {
        // the same scene with bands stored as (blue, green, red), read with --bands 3,2,1
        Raster src = rgb.image().getData();
        BufferedImage swapped = new BufferedImage(791, 718, BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster wr = swapped.getRaster();
        for (int b = 0; b < 3; b++) {
            wr.setSamples(0, 0, 791, 718, 2 - b, src.getSamples(0, 0, 791, 718, b, new int[791 * 718]));
        }
        float[] expected = translate(invariant, base);
        try (TranslatedImage img = new Translator(invariant).translate(swapped, base.withBands(2, 1, 0), Progress.NONE)) {
            assertTrue(diff(band(img, 0), expected)[0] == 0.0);
        }
        try (TranslatedImage img = new Translator(invariant).translate(swapped, base, Progress.NONE)) {
            assertTrue(diff(band(img, 0), expected)[0] > 0.1, "wrong band order must change the output");
        }
    }

    @Test
    void roiSkipsTilesAndBlanksPixelsOutside() throws Exception {
        Geometry roi = new WKTReader().read("POLYGON ((0 0, 300 0, 300 200, 0 250, 0 0))");
        float[] full = translate(invariant, base);
        try (TranslatedImage img = new Translator(invariant).translate(rgb.image(), base.withRoi(roi), Progress.NONE)) {
            float[] out = band(img, 0);
            TranslationStats s = img.stats();
            assertEquals(12, s.tilesTotal());
            assertEquals(2, s.tilesRun() + countNodataSkips(img), "only tiles (0,0) and (1,0) touch the ROI");
            assertTrue(s.tilesSkipped() >= 10);
            int inside = 0;
            for (int y = 0; y < 718; y++) {
                for (int x = 0; x < 791; x++) {
                    boolean in = roi.contains(roi.getFactory().createPoint(new org.locationtech.jts.geom.Coordinate(x + .5, y + .5)));
                    float v = out[y * 791 + x];
                    if (in) {
                        inside++;
                        assertEquals(full[y * 791 + x], v, 0.0, "inside pixel " + x + "," + y);
                    } else {
                        assertTrue(Float.isNaN(v), "outside pixel " + x + "," + y + " = " + v);
                    }
                }
            }
            assertTrue(inside > 60_000);
        }
        assertEquals(Kind.INVALID_ARGUMENT, assertThrows(Eo2SarException.class, () -> new Translator(invariant)
                .translate(rgb.image(), base.withRoi(new WKTReader().read("POLYGON ((900 0, 950 0, 950 50, 900 0))")),
                        Progress.NONE)).kind());
    }

    private static long countNodataSkips(TranslatedImage img) {
        // tiles inside the ROI that were all nodata: none in the top-left corner of RGB.byte.tif
        return 0;
    }

    @Test
    void uint8OutputFollowsTheDocumentedMapping() {
        float[] db = translate(invariant, base);
        try (TranslatedImage img = new Translator(invariant).translate(rgb.image(),
                base.withOutputType(OutputType.UINT8), Progress.NONE)) {
            assertEquals(DataBuffer.TYPE_BYTE, img.getSampleModel().getDataType());
            Raster r = img.getData();
            int[] v = r.getSamples(0, 0, 791, 718, 0, new int[791 * 718]);
            boolean sawNodata = false;
            for (int i = 0; i < v.length; i++) {
                assertEquals(OutputType.toUint8(db[i]), v[i]);
                sawNodata |= v[i] == 0;
                assertTrue(Float.isNaN(db[i]) == (v[i] == 0));
            }
            assertTrue(sawNodata);
        }
        assertEquals(1, OutputType.toUint8(-40f));
        assertEquals(255, OutputType.toUint8(3f));
        assertEquals(128, OutputType.toUint8(-12.5f));
        assertEquals(0, OutputType.toUint8(Float.NaN));
    }

    @Test
    void tilesAreComputedOnDemandWithBoundedPrefetch() {
        Translator t = new Translator(invariant, 2);
        try (TranslatedImage img = t.translate(rgb.image(), base.withTileSize(64), Progress.NONE)) {
            assertEquals(13 * 12, img.stats().tilesTotal());
            assertEquals(0, img.stats().tilesRun() + img.stats().runs());
            Raster tile = img.getTile(5, 5);
            assertEquals(5 * 64, tile.getMinX());
            assertEquals(64, tile.getWidth());
            long run = img.stats().tilesRun() + img.stats().tilesSkipped();
            assertTrue(run >= 1 && run <= 1 + 2, "asked tile plus at most 2 prefetched batches, got " + run);
        }
    }

    @Test
    void progressCountsEveryTileAndCancellationStops() {
        AtomicLong last = new AtomicLong();
        Progress p = (done, total) -> last.accumulateAndGet(done, Math::max);
        try (TranslatedImage img = new Translator(invariant).translate(rgb.image(), base.withTileSize(128), p)) {
            img.computeAll();
            assertEquals(img.stats().tilesTotal(), last.get());
        }
        Progress cancel = TestData.CANCELLED;
        try (TranslatedImage img = new Translator(invariant).translate(rgb.image(), base, cancel)) {
            assertEquals(Kind.CANCELLED, assertThrows(Eo2SarException.class, () -> img.getTile(0, 0)).kind());
        }
    }

    @Test
    void batchesGiveTheSameResult() {
        float[] one = translate(invariant, base.withTileSize(128));
        float[] four = translate(invariant, base.withTileSize(128).withBatchSize(4));
        assertTrue(diff(one, four)[0] <= INVARIANT_TOLERANCE_DB);
        assertFalse(OptionalDouble.empty().isPresent());
    }
}
