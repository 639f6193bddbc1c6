package org.eo2sar.core.raster;

import static org.eo2sar.core.raster.RasterAssertions.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.geom.AffineTransform;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eo2sar.core.Eo2SarException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cloud Optimized GeoTIFF output, checked by GDAL itself: its COG validator (full check of block
 * order, leaders and trailers), gdalinfo's overview list, and the overview pixels GDAL reads,
 * against a power mean computed here independently; pixels and grid read back by Apache SIS.
 */
class CogWriterTest {
    /** Debian's python3-gdal (the validator ships in its osgeo_utils); not the project venv's Python. */
    static final String GDAL_PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    static final Georeferencing UTM = Georeferencing.of(new AffineTransform(10, 0, 0, -10, 500000, 4100000), 32618);

    @TempDir
    Path dir;

    @BeforeAll
    static void requireGdal() {
        Assumptions.assumeTrue(GdalCrossCheckTest.gdalAvailable(), "gdalinfo is not installed (apt-get install gdal-bin)");
        Assumptions.assumeTrue(validatorAvailable(), "GDAL's Python bindings are not installed (apt-get install python3-gdal)");
    }

    /** dB values with a NaN corner and a bright-dark checker that a plain mean in dB would get wrong. */
    static double db(int x, int y, int b) {
        if (x < 37 && y < 23) {
            return Double.NaN;
        }
        return ((x + y) % 2 == 0 ? -25.0 : -5.0) + 0.01 * x - 0.02 * y + 3 * b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "bigtiff"})
    void float32CogPassesGdalsValidatorWithPowerMeanOverviews(String flavour) throws Exception {
        // 700 x 520 with 200 px tiles: tile rows straddle the 256 px block rows, and edges are odd
        AtomicInteger tilesAsked = new AtomicInteger();
        Map<String, Integer> perTile = new ConcurrentHashMap<>();
        var image = new FunctionImage(700, 520, 2, DataBuffer.TYPE_FLOAT, 200, CogWriterTest::db) {
            @Override
            protected void beforeTile(int tx, int ty) {
                tilesAsked.incrementAndGet();
                perTile.merge(tx + "," + ty, 1, Integer::sum);
            }
        };
        Path out = dir.resolve(flavour + ".tif");
        WriteOptions options = WriteOptions.defaults().withLayout(WriteOptions.Layout.COG)
                .withBigTiff(flavour.equals("bigtiff") ? WriteOptions.BigTiff.YES : WriteOptions.BigTiff.NO);
        GeoTiffRasters.write(image, UTM, out, options);
        assertEquals(4 * 3, tilesAsked.get(), "every source tile asked for exactly once: " + perTile);

        assertValidCog(out);
        JsonNode info = GdalCrossCheckTest.gdalinfo(out);
        assertEquals("COG", info.at("/metadata/IMAGE_STRUCTURE/LAYOUT").asText(), info.toString());
        assertEquals("[256,256]", info.at("/bands/0/block").toString());
        assertEquals("[{\"size\":[350,260]},{\"size\":[175,130]}]", info.at("/bands/1/overviews").toString());
        assertEquals("[500000.0,10.0,0.0,4100000.0,0.0,-10.0]", info.get("geoTransform").toString());
        assertEquals("NaN", info.at("/bands/0/noDataValue").asText());
        byte[] head = Files.readAllBytes(out);
        assertEquals(flavour.equals("bigtiff") ? 43 : 42, head[2]);

        try (GeoRaster back = GeoTiffRasters.open(out)) {
            assertEquals(UTM.gridToCrs(), back.info().georef().gridToCrs());
            assertEquals(OptionalInt.of(32618), back.info().georef().epsg());
            assertSamePixels(image, back.image());
        }
        for (int band = 0; band < 2; band++) {
            float[] ov = overview(out, 0, band + 1);
            assertEquals(350 * 260, ov.length);
            for (int y = 0; y < 260; y++) {
                for (int x = 0; x < 350; x++) {
                    double sum = 0;
                    int n = 0;
                    for (int k = 0; k < 4; k++) {
                        double v = db(2 * x + (k & 1), 2 * y + (k >> 1), band);
                        if (!Double.isNaN(v)) {
                            sum += Math.pow(10, v / 10);
                            n++;
                        }
                    }
                    float got = ov[y * 350 + x];
                    if (n == 0) {
                        assertTrue(Float.isNaN(got), "all-NaN 2x2 stays nodata at " + x + "," + y);
                    } else {
                        assertEquals(10 * Math.log10(sum / n), got, 1e-4, "power mean at " + x + "," + y);
                    }
                }
            }
        }
        // the second overview is the power mean of 4 x 4 source pixels (where -25 and -5 dB alternate: about
        // 8 dB above the mean of the dB values)
        float[] second = overview(out, 1, 1);
        double sum = 0;
        double dbSum = 0;
        for (int k = 0; k < 16; k++) {
            double v = db(400 + k % 4, 400 + k / 4, 0);
            sum += Math.pow(10, v / 10);
            dbSum += v;
        }
        assertEquals(10 * Math.log10(sum / 16), second[100 * 175 + 100], 1e-4);
        assertTrue(second[100 * 175 + 100] > dbSum / 16 + 7);
    }

    @Test
    void uint8CodesAreAveragedInPowerThroughTheirScaleAndOffset() throws Exception {
        double scale = 25.0 / 254;
        double offset = -25 - scale;
        var image = new FunctionImage(600, 300, 1, DataBuffer.TYPE_BYTE, 128,
                (x, y, b) -> x < 10 ? 0 : (x + y) % 2 == 0 ? 1 : 255);
        Path out = dir.resolve("display.tif");
        var metadata = new GdalMetadata(Map.of(), java.util.List.of("VV"), "dB", new double[] {scale}, new double[] {offset});
        GeoTiffRasters.write(image, UTM, out, WriteOptions.defaults().withNodata(0).withMetadata(metadata)
                .withLayout(WriteOptions.Layout.COG));
        assertValidCog(out);
        JsonNode b = GdalCrossCheckTest.gdalinfo(out).at("/bands/0");
        assertEquals("[{\"size\":[300,150]},{\"size\":[150,75]}]", b.get("overviews").toString());
        assertEquals(0, b.get("noDataValue").asInt());
        try (GeoRaster back = GeoTiffRasters.open(out)) {
            assertSamePixels(image, back.image());
        }
        float[] ov = overview(out, 0, 1);
        assertEquals(0f, ov[300 * 3 + 2], "nodata 2x2 stays 0");
        long expected = Math.round((10 * Math.log10((Math.pow(10, -2.5) + 1) / 2) - offset) / scale);
        assertEquals(expected, ov[300 * 3 + 100], "codes 1 (-25 dB) and 255 (0 dB) average to -2.99 dB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ZSTD", "NONE"})
    void zstdAndUncompressedCogsHoldTheSamePixelsAndOverviewsAsDeflate(String codec) throws Exception {
        WriteOptions.Compression c = WriteOptions.Compression.valueOf(codec);
        var metadata = new GdalMetadata(Map.of(), java.util.List.of("VV"), "dB", new double[] {25.0 / 254},
                new double[] {-25 - 25.0 / 254});
        var floats = new FunctionImage(700, 520, 1, DataBuffer.TYPE_FLOAT, 200, CogWriterTest::db);
        var bytes = new FunctionImage(600, 300, 1, DataBuffer.TYPE_BYTE, 128, (x, y, b) -> x < 10 ? 0 : (x * 7 + y) % 255 + 1);
        for (var image : java.util.List.of(floats, bytes)) {
            boolean isByte = image == bytes;
            WriteOptions o = WriteOptions.defaults().withLayout(WriteOptions.Layout.COG);
            o = isByte ? o.withNodata(0).withMetadata(metadata) : o;
            Path deflate = dir.resolve(codec + isByte + "-deflate.tif");
            Path other = dir.resolve(codec + isByte + ".tif");
            GeoTiffRasters.write(image, UTM, deflate, o);
            GeoTiffRasters.write(image, UTM, other, o.withCompression(c));
            assertValidCog(other);
            JsonNode info = GdalCrossCheckTest.gdalinfo(other);
            assertEquals(c == WriteOptions.Compression.ZSTD ? "ZSTD" : "", info.at("/metadata/IMAGE_STRUCTURE/COMPRESSION")
                    .asText(), info.at("/metadata/IMAGE_STRUCTURE").toString());
            for (int level = -1; level < 2; level++) {
                assertArrayEquals(overview(deflate, level, 1), overview(other, level, 1), codec + " level " + level);
            }
        }
        try (GeoRaster back = GeoTiffRasters.open(dir.resolve(codec + "false.tif"))) { // our reader too
            assertSamePixels(floats, back.image());
        }
        assertThrows(IllegalArgumentException.class, () -> WriteOptions.defaults().withCompression(c));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DEFLATE", "NONE"}) // spooled, and written in place from the first tile
    void failingTileLeavesNeitherOutputNorSpool(String codec) throws IOException {
        var image = new FunctionImage(900, 900, 1, DataBuffer.TYPE_FLOAT, 128, (x, y, b) -> -10) {
            @Override
            protected void beforeTile(int tx, int ty) {
                if (ty == 5) {
                    throw new IllegalStateException("tile row 5 exploded");
                }
            }
        };
        Path out = dir.resolve("never.tif");
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.write(image, UTM, out,
                WriteOptions.defaults().withLayout(WriteOptions.Layout.COG)
                        .withCompression(WriteOptions.Compression.valueOf(codec))));
        assertTrue(e.getMessage().contains("exploded"), e.getMessage());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "no output, temporary file, block spool or scratch file");
        }
    }

    @Test
    void otherSampleTypesAreRefusedForCog() {
        var image = new FunctionImage(64, 64, 1, DataBuffer.TYPE_USHORT, 64, (x, y, b) -> x);
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.write(image, UTM,
                dir.resolve("u16.tif"), WriteOptions.defaults().withLayout(WriteOptions.Layout.COG)));
        assertTrue(e.getMessage().contains("float32 dB or uint8"), e.getMessage());
    }

    static boolean validatorAvailable() {
        try {
            Process p = new ProcessBuilder(GDAL_PYTHON, "-c", "import osgeo_utils.samples.validate_cloud_optimized_geotiff")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** GDAL's COG validator with --full-check=yes; fails the test with its report. */
    static void assertValidCog(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(GDAL_PYTHON, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff",
                "--full-check=yes", file.toString()).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), report);
        assertTrue(report.contains("is a valid cloud optimized GeoTIFF"), report);
        assertTrue(!report.contains("Warning"), report);
    }

    /** Overview {@code level} (-1: the full resolution) of band {@code band} (1-based) as GDAL reads it, as float32. */
    static float[] overview(Path file, int level, int band) throws IOException, InterruptedException {
        String script = "import sys\nfrom osgeo import gdal\n"
                + "ds = gdal.Open(sys.argv[1])\n"   // keep the dataset referenced: its bands die with it
                + "b = ds.GetRasterBand(int(sys.argv[3]))\n"
                + "b = b if int(sys.argv[2]) < 0 else b.GetOverview(int(sys.argv[2]))\n"
                + "sys.stdout.buffer.write(b.ReadRaster(0, 0, b.XSize, b.YSize, buf_type=gdal.GDT_Float32))\n";
        Process p = new ProcessBuilder(GDAL_PYTHON, "-c", script, file.toString(), Integer.toString(level),
                Integer.toString(band)).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().get(v);
        return v;
    }
}
