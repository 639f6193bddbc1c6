package org.eo2sar.core.raster;

import static org.eo2sar.core.testsupport.TestData.sharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that used to hang, blow up memory or be accepted with a broken grid (issue 11, items 2 and 7). */
class BoundedInputTest {
    @TempDir
    Path dir;

    private Path variant(String source, TiffPatcher.Tag... tags) throws Exception {
        Path copy = dir.resolve("variant-" + source);
        Files.copy(sharedData("rasters/" + source), copy, StandardCopyOption.REPLACE_EXISTING);
        TiffPatcher.setTags(copy, List.of(tags));
        return copy;
    }

    private static Eo2SarException rejected(Path file, String expected) {
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.open(file));
        assertEquals(Kind.INVALID_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString() + " "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e;
    }

    @Test
    void fifoIsRefusedInsteadOfBlockingForever() throws Exception {
        Path fifo = dir.resolve("in.tif");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        rejected(fifo, "is not a regular file");
    }

    @Test
    void nanInfiniteAndZeroPixelSizesAreRefused() throws Exception {
        rejected(variant("rgb_lzw.tif", TiffPatcher.doubles(TiffDirectory.TAG_MODEL_PIXEL_SCALE,
                new double[] {Double.NaN, 300.0379266750948, 0})), "non-finite pixel size");
        rejected(variant("rgb_lzw.tif", TiffPatcher.doubles(TiffDirectory.TAG_MODEL_PIXEL_SCALE,
                new double[] {Double.POSITIVE_INFINITY, 300.0379266750948, 0})), "non-finite pixel size");
        rejected(variant("rgb_lzw.tif", TiffPatcher.doubles(TiffDirectory.TAG_MODEL_PIXEL_SCALE,
                new double[] {0, 300.0379266750948, 0})), "pixel size"); // SIS turns a 0 scale into NaN
    }

    @Test
    void aTileThatDecodesToGigabytesIsRefusedBeforeDecoding() throws Exception {
        // 4 KB of header declaring 65536 x 32768 px tiles of 3 bytes: 6 GiB per tile
        rejected(variant("rgb_lzw.tif",
                TiffPatcher.longs(TiffDirectory.TAG_TILE_WIDTH, new long[] {65536}),
                TiffPatcher.longs(TiffDirectory.TAG_TILE_WIDTH + 1, new long[] {32768})), "over the limit of");
    }

    /** Found by TiffFuzzTest (mutant 1632 of the long run): Apache SIS allocated 2^31 doubles and died of OOM. */
    @Test
    void aTagCountBeyondTheFileIsRefusedBeforeTheReaderAllocatesIt() throws Exception {
        Path copy = dir.resolve("huge-count.tif");
        byte[] b = Files.readAllBytes(sharedData("rasters/rgb_deflate.tif"));
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(b[0] == 'I' ? java.nio.ByteOrder.LITTLE_ENDIAN
                : java.nio.ByteOrder.BIG_ENDIAN);
        int ifd = buf.getInt(4);
        int n = Short.toUnsignedInt(buf.getShort(ifd));
        boolean patched = false;
        for (int i = 0; i < n; i++) {
            int entry = ifd + 2 + 12 * i;
            if (Short.toUnsignedInt(buf.getShort(entry)) == TiffDirectory.TAG_MODEL_PIXEL_SCALE) {
                buf.putInt(entry + 4, 0x7FFFFFFF);
                patched = true;
            }
        }
        assertTrue(patched, "the file has a ModelPixelScale tag");
        Files.write(copy, b);
        rejected(copy, "more than the file holds");
    }

    @Test
    void unreadableNodataTextCannotDriveTheTerminal() throws Exception {
        Eo2SarException e = rejected(variant("rgb_lzw.tif",
                TiffPatcher.ascii(TiffDirectory.TAG_GDAL_NODATA, "\u001b]0;owned\u0007\u001b[2J")), "GDAL_NODATA");
        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
    }

    @Test
    void permissionDeniedSaysSo() {
        String m = GeoTiffRasters.oneLine(new RuntimeException("x",
                new java.nio.file.AccessDeniedException("/data/out/.x.tif.tmp")));
        assertEquals("/data/out/.x.tif.tmp: permission denied", m);
    }

    @Test
    void decodeFailureNamesTheFileAndIsInvalidInput() {
        Path f = dir.resolve("f.tif");
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> ReadGuard.read(f, "tile 0,0",
                ReadGuard.DEFAULT_TIMEOUT, () -> {
                    throw new java.awt.image.RasterFormatException("LZW code out of range");
                }));
        assertEquals(Kind.INVALID_INPUT, e.kind());
        assertEquals(f + ": pixel data cannot be decoded (tile 0,0): LZW code out of range", e.getMessage());
    }

    @Test
    void aReadPastItsDeadlineIsAbandonedWithAClearError() {
        Path f = dir.resolve("g.tif");
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> ReadGuard.read(f, "tile 1,2",
                java.time.Duration.ofMillis(300), () -> {
                    while (true) {
                        Thread.sleep(200); // what SIS does on some corrupt LZW blocks
                    }
                }));
        assertEquals(Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
    }
}
