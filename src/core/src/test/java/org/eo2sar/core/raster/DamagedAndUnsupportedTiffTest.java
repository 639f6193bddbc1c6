package org.eo2sar.core.raster;

import static org.eo2sar.core.raster.GeoTiffRastersReadTest.raster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.eo2sar.core.Eo2SarException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real files from ../shared/data with one header field changed (as a broken or exotic writer
 * would leave them): each must fail at open with a one-line INVALID_INPUT naming file and problem.
 */
class DamagedAndUnsupportedTiffTest {
    @TempDir
    Path dir;

    private Path variant(String source, TiffPatcher.Tag... tags) throws Exception {
        Path copy = dir.resolve("variant-" + source);
        Files.copy(raster(source), copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setWritable(true);
        TiffPatcher.setTags(copy, List.of(tags));
        return copy;
    }

    private static void assertRejected(Path file, String expected) {
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.open(file));
        assertEquals(Eo2SarException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().startsWith(file.toString() + " "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void patchedCopyOfAGoodFileStillReads() throws Exception {
        // the patcher itself must keep a file valid (otherwise the tests below prove nothing)
        Path same = variant("rgb_lzw.tif", TiffPatcher.ascii(TiffDirectory.TAG_GDAL_NODATA, "7"));
        try (GeoRaster r = GeoTiffRasters.open(same); GeoRaster orig = GeoTiffRasters.open(raster("rgb_lzw.tif"))) {
            assertEquals(7.0, r.info().nodata().orElseThrow());
            RasterAssertions.assertSamePixels(orig.image(), r.image());
        }
    }

    @Test
    void webpAndLercAreRejected() throws Exception {
        assertRejected(variant("rgb_deflate.tif", TiffPatcher.shorts(TiffDirectory.TAG_COMPRESSION, new int[] {50001})),
                "uses WEBP compression, which is not supported; re-encode it, e.g. gdal_translate -co COMPRESS=DEFLATE");
        assertRejected(variant("rgb_lzw.tif", TiffPatcher.shorts(TiffDirectory.TAG_COMPRESSION, new int[] {34887})),
                "uses LERC compression");
    }

    @Test
    void jpegVariantsWeDoNotDecodeAreRejected() throws Exception {
        assertRejected(variant("rgb_lzw.tif", TiffPatcher.shorts(TiffDirectory.TAG_COMPRESSION, new int[] {6})),
                "uses old-style JPEG (TIFF 6.0 compression 6) compression, which is not supported");
        // 3 bands said to be grey: no JPEG colour model we decode
        assertRejected(variant("rgb_lzw.tif", TiffPatcher.shorts(TiffDirectory.TAG_COMPRESSION, new int[] {7}),
                        TiffPatcher.shorts(TiffDirectory.TAG_PHOTOMETRIC, new int[] {1})),
                "uses JPEG with 3 bands and photometric interpretation 1, which is not supported");
        assertRejected(variant("float_raster_with_nodata.tif",
                        TiffPatcher.shorts(TiffDirectory.TAG_COMPRESSION, new int[] {7})),
                "uses 32-bit JPEG (only 8-bit JPEG is decoded), which is not supported");
    }

    @Test
    void predictorsThatCannotApplyAreRejected() throws Exception {
        assertRejected(variant("rgb_lzw.tif", TiffPatcher.shorts(TiffDirectory.TAG_PREDICTOR, new int[] {3})),
                "uses the floating-point predictor (3) with LZW, which is not supported");
        assertRejected(variant("RGB.byte.tif", TiffPatcher.shorts(TiffDirectory.TAG_COMPRESSION, new int[] {8}),
                        TiffPatcher.shorts(TiffDirectory.TAG_PREDICTOR, new int[] {3})),
                "uses the floating-point predictor (3) on UINT8 samples, which is not supported");
        assertRejected(variant("rgb_deflate.tif", TiffPatcher.shorts(TiffDirectory.TAG_COMPRESSION, new int[] {50000})),
                "uses band-separate (planar) ZSTD blocks, which is not supported");
        assertRejected(variant("float_raster_with_nodata.tif",
                        TiffPatcher.shorts(TiffDirectory.TAG_COMPRESSION, new int[] {50000}),
                        TiffPatcher.shorts(TiffDirectory.TAG_PREDICTOR, new int[] {2})),
                "uses the integer predictor (2) on FLOAT32 samples, which is not supported");
        assertRejected(variant("rgb_lzw.tif", TiffPatcher.shorts(TiffDirectory.TAG_PREDICTOR, new int[] {5})),
                "uses an unknown predictor 5");
    }

    @Test
    void crsUnknownToSisIsAnErrorNotANull() throws Exception {
        int[] lambert93 = {1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 2154};
        assertRejected(variant("RGB.byte.tif",
                        TiffPatcher.shorts(TiffDirectory.TAG_GEO_KEY_DIRECTORY, lambert93),
                        TiffPatcher.remove(TiffDirectory.TAG_GEO_DOUBLE_PARAMS),
                        TiffPatcher.remove(TiffDirectory.TAG_GEO_ASCII_PARAMS)),
                "uses CRS EPSG:2154, which Apache SIS cannot decode");
    }

    @Test
    void missingCrsAndMissingGeoreferencingAreErrors() throws Exception {
        assertRejected(variant("RGB.byte.tif",
                        TiffPatcher.remove(TiffDirectory.TAG_GEO_KEY_DIRECTORY),
                        TiffPatcher.remove(TiffDirectory.TAG_GEO_DOUBLE_PARAMS),
                        TiffPatcher.remove(TiffDirectory.TAG_GEO_ASCII_PARAMS)),
                "has no coordinate reference system");
        assertRejected(variant("rgb_lzw.tif",
                        TiffPatcher.remove(TiffDirectory.TAG_GEO_KEY_DIRECTORY),
                        TiffPatcher.remove(TiffDirectory.TAG_GEO_DOUBLE_PARAMS),
                        TiffPatcher.remove(TiffDirectory.TAG_GEO_ASCII_PARAMS),
                        TiffPatcher.remove(TiffDirectory.TAG_MODEL_PIXEL_SCALE),
                        TiffPatcher.remove(TiffDirectory.TAG_MODEL_TIEPOINT),
                        TiffPatcher.remove(TiffDirectory.TAG_MODEL_TRANSFORMATION)),
                "is not georeferenced");
    }

    @Test
    void absurdDimensionsAreRejected() throws Exception {
        assertRejected(variant("rgb_lzw.tif", TiffPatcher.longs(TiffDirectory.TAG_IMAGE_WIDTH, new long[] {2_000_000})),
                "has absurd dimensions 2000000x718");
        assertRejected(variant("rgb_lzw.tif",
                        TiffPatcher.longs(TiffDirectory.TAG_IMAGE_WIDTH, new long[] {60_000}),
                        TiffPatcher.longs(TiffDirectory.TAG_IMAGE_LENGTH, new long[] {60_000})),
                "has absurd dimensions 60000x60000");
    }

    @Test
    void unsupportedSampleTypeIsRejected() throws Exception {
        assertRejected(variant("rgb_lzw.tif", TiffPatcher.shorts(TiffDirectory.TAG_SAMPLE_FORMAT, new int[] {2, 2, 2})),
                "has an unsupported sample type (8 bits, signed integer)");
    }

    @Test
    void truncatedAndGarbageFilesAreCorrupt() throws IOException {
        Path truncated = dir.resolve("truncated.tif");
        byte[] all = Files.readAllBytes(raster("rgb_lzw.tif"));
        // keep the header and directory (at the start of this file) but lose most pixel data
        Files.write(truncated, Arrays.copyOf(all, all.length / 2));
        assertRejected(truncated, "is corrupt: tile");

        Path garbage = dir.resolve("garbage.tif");
        Files.write(garbage, new byte[] {'I', 'I', 42, 0, (byte) 0xF0, (byte) 0xFF, 0, 0, 1, 2, 3});
        assertRejected(garbage, "is corrupt: first image directory offset");

        Path empty = dir.resolve("empty.tif");
        Files.write(empty, new byte[0]);
        assertRejected(empty, "is not a TIFF file");
    }
}
