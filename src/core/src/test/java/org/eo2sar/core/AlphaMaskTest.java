package org.eo2sar.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.Raster;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.Translator;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RGBA GeoTIFF's alpha band (TIFF ExtraSamples) and a GDAL per-dataset mask (internal mask
 * directory or .msk sidecar) are the nodata mask, and never a model input by default.
 */
class AlphaMaskTest {
    /** RGB of the real S2 sample patch + alpha 0 on the 40 left columns (rasters/make_rgba.py). */
    static final Path RGBA = TestData.repoRoot().resolve("src/core/src/test/resources/rasters/rgba-alpha-left.tif");
    /** The real S2 sample patch (4 bands) with a GDAL mask that is 0 on the 30 top rows (rasters/make_masked.py). */
    static final Path MASK_INTERNAL = TestData.repoRoot().resolve("src/core/src/test/resources/rasters/mask-internal.tif");
    static final Path MASK_EXTERNAL = TestData.repoRoot().resolve("src/core/src/test/resources/rasters/mask-external.tif");

    @TempDir
    Path tmp;

    @Test
    void theReaderFindsTheAlphaBand() {
        assertEquals(OptionalInt.of(3), GeoTiffRasters.info(RGBA).alphaBand());
        assertEquals(OptionalInt.empty(), GeoTiffRasters.info(TestData.sharedData("rasters/RGB.byte.tif")).alphaBand());
        String text = org.eo2sar.core.raster.RasterInfoFormatter.format(GeoTiffRasters.info(RGBA));
        assertTrue(text.contains("Alpha band:  4 (its 0 is nodata; not a model input by default)"), text);
        assertTrue(text.contains("Bands:       4 (1 Red, 2 Green, 3 Blue, 4 Alpha)"), text);
        // GDAL band descriptions win over colour interpretation: the real S2 sample names its bands
        String s2 = org.eo2sar.core.raster.RasterInfoFormatter.format(
                GeoTiffRasters.info(TestData.repoRoot().resolve("sample-data/real-s2-l2a-eo.tif")));
        assertTrue(s2.contains("Bands:       4 (1 red, 2 green, 3 blue, 4 nir)"), s2);
    }

    @Test
    void alphaZeroBecomesNodataInTheOutput() {
        assertEquals(40 * 120, translateAndCheckNodata(RGBA, (x, y) -> x < 40));
    }

    /** Translates {@code in} with the tiny test model; asserts the output is NaN exactly where {@code masked}; returns how many. */
    private int translateAndCheckNodata(Path in, java.util.function.BiPredicate<Integer, Integer> masked) {
        Path out = tmp.resolve("sar-" + in.getFileName());
        try (OnnxGenerator model = OnnxGenerator.open(TestData.testModel("tiny-tileinvariant.onnx"), DeviceSpec.CPU)) {
            // the test model takes red, green, blue: the default selection is bands 1-3, never alpha or mask
            FileTranslation.run(model, TranslateRequest.of(in, out), Progress.NONE);
        }
        try (GeoRaster r = GeoTiffRasters.open(out)) {
            Raster d = r.image().getData();
            int w = d.getWidth();
            int h = d.getHeight();
            float[] v = d.getSamples(0, 0, w, h, 0, new float[w * h]);
            int nan = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean isNan = Float.isNaN(v[y * w + x]);
                    assertEquals(masked.test(x, y), isNan, in.getFileName() + " pixel " + x + "," + y);
                    nan += isNan ? 1 : 0;
                }
            }
            return nan;
        }
    }

    @Test
    void gdalPerDatasetMasksBecomeNodataInsideTheFileAndInASidecar() throws Exception {
        for (Path in : new Path[] {MASK_INTERNAL, MASK_EXTERNAL}) {
            var info = GeoTiffRasters.info(in);
            assertEquals(5, info.bandCount(), "4 bands + the mask as the last band");
            assertEquals(OptionalInt.of(4), info.alphaBand());
            String text = org.eo2sar.core.raster.RasterInfoFormatter.format(info);
            assertTrue(text.contains(in == MASK_INTERNAL ? "5 Mask (GDAL internal mask)" : "5 Mask (mask-external.tif.msk)"), text);
            assertEquals(30 * 120, translateAndCheckNodata(in, (x, y) -> y < 30));
            // the pixels themselves are those of the file
            try (GeoRaster masked = GeoTiffRasters.open(in);
                 GeoRaster plain = GeoTiffRasters.open(TestData.repoRoot().resolve("sample-data/real-s2-l2a-eo.tif"))) {
                Raster a = masked.image().getData();
                Raster b = plain.image().getData();
                for (int band = 0; band < 4; band++) {
                    assertArrayEquals(b.getSamples(0, 0, 120, 120, band, (int[]) null), a.getSamples(0, 0, 120, 120, band, (int[]) null));
                }
                int[] mask = a.getSamples(0, 0, 120, 120, 4, (int[]) null);
                assertEquals(0, mask[29 * 120 + 5]);
                assertEquals(1, mask[30 * 120 + 5]);
            }
        }
    }

    @Test
    void theDefaultBandSelectionSkipsAlpha() {
        ModelCard four = card(List.of("red", "green", "blue", "nir"));
        ModelCard three = card(List.of("red", "green", "blue"));
        assertArrayEquals(new int[] {0, 1, 2}, Translator.bands(4, 3, null, three));
        assertArrayEquals(new int[] {0, 1, 2, 3}, Translator.bands(4, -1, null, four));
        var e = assertThrows(Eo2SarException.class, () -> Translator.bands(4, 3, null, four));
        assertTrue(e.getMessage().contains("has only 3 besides its alpha band 4 (the nodata mask)"), e.getMessage());
        // chosen explicitly, the alpha band is an input like any other
        assertArrayEquals(new int[] {0, 1, 2, 3}, Translator.bands(4, 3, new int[] {0, 1, 2, 3}, four));
    }

    private static ModelCard card(List<String> bands) {
        double[] one = new double[bands.size()];
        java.util.Arrays.fill(one, 1);
        return new ModelCard("m", "1", "", bands, one, new double[bands.size()], List.of("VV"), "dB",
                new double[] {1}, new double[] {0}, 4, 64, 0, 10, true, null, List.of());
    }
}
