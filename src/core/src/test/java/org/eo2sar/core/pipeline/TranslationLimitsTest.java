package org.eo2sar.core.pipeline;

import static org.eo2sar.core.pipeline.PipelineFixtures.INVARIANT;
import static org.eo2sar.core.pipeline.PipelineFixtures.RGB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.Progress;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Absurd numbers are refused up front, naming the limit (issue 11, item 5). */
class TranslationLimitsTest {
    static OnnxGenerator g;
    static GeoRaster rgb;

    @BeforeAll
    static void open() {
        g = OnnxGenerator.open(INVARIANT, DeviceSpec.CPU);
        rgb = GeoTiffRasters.open(RGB);
    }

    @AfterAll
    static void close() {
        rgb.close();
        g.close();
    }

    private static String refused(TranslationLimits limits, TranslationOptions o) {
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> new Translator(g, 2, limits).translate(rgb.image(), o, Progress.NONE).close());
        assertEquals(Kind.INVALID_ARGUMENT, e.kind(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void marginThatWouldOverflowIsRefused() {
        // used to overflow tile + 2 x margin into an all-NaN output with exit 0
        String m = refused(TranslationLimits.DEFAULTS, TranslationOptions.defaults().withMargin(2147483644));
        assertTrue(m.contains("margin 2147483644 is over the limit of 2048 px"), m);
        m = refused(TranslationLimits.DEFAULTS, TranslationOptions.defaults().withMargin(1 << 30));
        assertTrue(m.contains("over the limit of 2048 px"), m);
    }

    @Test
    void hugeMarginOnASmallRasterIsRefusedByTheMemoryEstimate() {
        String m = refused(TranslationLimits.DEFAULTS.withMaxMargin(8192), TranslationOptions.defaults().withMargin(6000));
        assertTrue(m.contains("over the memory limit of 2048.0 MiB"), m);
    }

    @Test
    void batchAndPixelLimits() {
        String m = refused(TranslationLimits.DEFAULTS, TranslationOptions.defaults().withBatchSize(100000));
        assertTrue(m.contains("batch size 100000 is over the limit of 256 tiles"), m);
        m = refused(TranslationLimits.DEFAULTS.withMaxPixels(1000), TranslationOptions.defaults());
        assertTrue(m.contains("over the limit of 1000 pixels"), m);
    }
}
