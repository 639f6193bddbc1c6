package org.eo2sar.core.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.awt.Rectangle;
import java.awt.image.BandedSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link WindowSamples#read} against {@code Raster.getSamples} for the layouts images decode to. */
class WindowSamplesTest {
    static Stream<Arguments> layouts() {
        int t = 32;
        return Stream.of(
                Arguments.of("interleaved uint16 RGB", new PixelInterleavedSampleModel(DataBuffer.TYPE_USHORT, t, t, 3, 3 * t, new int[] {0, 1, 2}), new int[] {0, 1, 2}),
                Arguments.of("interleaved uint16 RGBA, bands reordered", new PixelInterleavedSampleModel(DataBuffer.TYPE_USHORT, t, t, 4, 4 * t, new int[] {0, 1, 2, 3}), new int[] {2, 0, 3}),
                Arguments.of("interleaved uint8, BGR offsets", new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, t, t, 3, 3 * t, new int[] {2, 1, 0}), new int[] {0, 1, 2}),
                Arguments.of("interleaved uint8, one band", new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, t, t, 3, 3 * t, new int[] {0, 1, 2}), new int[] {1}),
                Arguments.of("banded uint16", new BandedSampleModel(DataBuffer.TYPE_USHORT, t, t, 3), new int[] {0, 2}),
                Arguments.of("banded float32", new BandedSampleModel(DataBuffer.TYPE_FLOAT, t, t, 2), new int[] {1, 0}),
                Arguments.of("interleaved int16", new PixelInterleavedSampleModel(DataBuffer.TYPE_SHORT, t, t, 2, 2 * t, new int[] {0, 1}), new int[] {0, 1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void readsWhatGetSamplesReads(String name, SampleModel sm, int[] bands) {
        boolean signed = sm.getDataType() == DataBuffer.TYPE_SHORT;
        // values that use the top bit, so a signed/unsigned mix-up shows
        RenderedImage image = new FunctionImage(100, 70, sm,
                (x, y, b) -> signed ? (x * 7 + y * 131 + b * 1000) % 60000 - 30000 : (x * 7 + y * 131 + b * 1000) % 250 * (sm.getDataType() == DataBuffer.TYPE_BYTE ? 1 : 251));
        // a window across tile corners (tiles are 32 px) and one inside a single tile
        for (Rectangle r : new Rectangle[] {new Rectangle(20, 10, 60, 50), new Rectangle(33, 33, 10, 5)}) {
            float[][] got = new float[bands.length][r.width * r.height];
            WindowSamples.read(image, r, bands, got);
            var data = image.getData(r);
            for (int i = 0; i < bands.length; i++) {
                float[] expected = data.getSamples(r.x, r.y, r.width, r.height, bands[i], (float[]) null);
                assertArrayEquals(expected, got[i], name + " band " + bands[i] + " of " + r);
            }
        }
    }
}
