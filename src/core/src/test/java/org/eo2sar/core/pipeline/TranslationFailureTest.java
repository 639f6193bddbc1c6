package org.eo2sar.core.pipeline;

import static org.eo2sar.core.pipeline.PipelineFixtures.INVARIANT;
import static org.eo2sar.core.pipeline.PipelineFixtures.RGB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.Progress;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A translation that fails (or is cancelled) while other batch threads are still inside the
 * model: close() must wait for them, so the caller can free the session and the source. Before
 * the fix the session was freed under a running thread (SIGSEGV in libonnxruntime.so).
 */
class TranslationFailureTest {
    @TempDir
    Path tmp;

    @Test
    void failureMidRunStopsAndAwaitsEveryBatchBeforeTheModelIsClosed() {
        OnnxGenerator g = OnnxGenerator.open(INVARIANT, DeviceSpec.CPU);
        try (GeoRaster rgb = GeoTiffRasters.open(RGB)) {
            int failFrom = rgb.info().height() / 2;
            RuntimeException disk = new Eo2SarException(Kind.IO, "simulated: no space left on device");
            FailingImage src = new FailingImage(rgb.image(), r -> r.y > failFrom, disk);
            TranslationOptions o = TranslationOptions.defaults().withTileSize(64).withMargin(32);
            TranslatedImage img = new Translator(g, 4).translate(src, o, Progress.NONE);
            Path out = tmp.resolve("out.tif");
            Eo2SarException e = assertThrows(Eo2SarException.class,
                    () -> GeoTiffRasters.write(img, rgb.info().georef(), out));
            assertEquals(Kind.IO, e.kind());
            assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
            img.close();
            assertTrue(img.isTerminated(), "batch threads still running after close()");
            assertEquals(0, g.runsInFlight());
            assertFalse(Files.exists(out));
        } finally {
            g.close();
        }
    }

    @Test
    void cancelMidRunThenCloseIsClean() throws Exception {
        OnnxGenerator g = OnnxGenerator.open(INVARIANT, DeviceSpec.CPU);
        try (GeoRaster rgb = GeoTiffRasters.open(RGB)) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Progress p = new Progress() {
                @Override
                public void update(long done, long total) {
                    if (done >= 3) {
                        stop.set(true);
                    }
                }

                @Override
                public boolean isCancelled() {
                    return stop.get();
                }
            };
            TranslationOptions o = TranslationOptions.defaults().withTileSize(64).withMargin(32);
            TranslatedImage img = new Translator(g, 4).translate(rgb.image(), o, p);
            Eo2SarException e = assertThrows(Eo2SarException.class,
                    () -> GeoTiffRasters.write(img, rgb.info().georef(), tmp.resolve("c.tif")));
            assertEquals(Kind.CANCELLED, e.kind());
            img.close();
            assertTrue(img.isTerminated());
            assertEquals(0, g.runsInFlight());
        } finally {
            g.close();
        }
    }
}
