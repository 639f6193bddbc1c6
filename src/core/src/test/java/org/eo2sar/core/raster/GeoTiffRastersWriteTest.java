package org.eo2sar.core.raster;

import static org.eo2sar.core.raster.GeoTiffRastersReadTest.raster;
import static org.eo2sar.core.raster.RasterAssertions.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.AffineTransform;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.sis.util.Utilities;
import org.eo2sar.core.Eo2SarException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writing GeoTIFFs and reading them back. */
class GeoTiffRastersWriteTest {
    @TempDir
    Path dir;

    /** Copies a real raster through write() and checks that grid, CRS, GeoKeys and pixels survive. */
    @ParameterizedTest
    @ValueSource(strings = {"RGB.byte.tif", "rgb_lzw.tif", "world.rgb.tif", "float_raster_with_nodata.tif",
        "all-nodata.tif"})
    void roundTripKeepsGridCrsAndPixels(String name) {
        Path out = dir.resolve("copy-" + name);
        try (GeoRaster in = GeoTiffRasters.open(raster(name))) {
            WriteOptions options = WriteOptions.defaults();
            if (in.info().nodata().isPresent()) {
                options = options.withNodata(in.info().nodata().getAsDouble());
            }
            GeoTiffRasters.write(in.image(), in.info().georef(), out, options);
            try (GeoRaster back = GeoTiffRasters.open(out)) {
                RasterInfo a = in.info();
                RasterInfo b = back.info();
                assertEquals(a.width(), b.width());
                assertEquals(a.height(), b.height());
                assertEquals(a.bandCount(), b.bandCount());
                assertEquals(a.dataType(), b.dataType());
                assertEquals(a.nodata(), b.nodata());
                assertEquals(a.georef().gridToCrs(), b.georef().gridToCrs(), "grid to CRS, exactly");
                assertEquals(a.georef().epsg(), b.georef().epsg());
                assertTrue(Utilities.equalsIgnoreMetadata(a.georef().crs(), b.georef().crs()),
                        () -> "CRS differs:\n" + a.georef().crsWkt() + "\n" + b.georef().crsWkt());
                assertEquals(a.georef().geoTiffKeys().withPixelIsArea(), b.georef().geoTiffKeys());
                assertSamePixels(in.image(), back.image());
            }
        }
        assertOnlyFiles(out);
    }

    @Test
    void floatOutputDeclaresNanNodataAndSyntheticEpsgRoundTrips() {
        var g2c = new AffineTransform(10, 0, 0, -10, 500000, 4100000);
        Georeferencing georef = Georeferencing.of(g2c, 32618);
        var image = new FunctionImage(700, 520, 1, DataBuffer.TYPE_FLOAT, 256,
                (x, y, b) -> x < 20 ? Float.NaN : (float) Math.sin(x * 0.01) * y - 30);
        Path out = dir.resolve("synthetic.tif");
        GeoTiffRasters.write(image, georef, out, WriteOptions.defaults());
        try (GeoRaster back = GeoTiffRasters.open(out)) {
            RasterInfo info = back.info();
            assertEquals(700, info.width());
            assertEquals(520, info.height());
            assertEquals(RasterDataType.FLOAT32, info.dataType());
            assertTrue(Double.isNaN(info.nodata().orElseThrow()), "NaN declared as nodata");
            assertEquals(g2c, info.georef().gridToCrs());
            assertEquals(OptionalInt.of(32618), info.georef().epsg());
            assertEquals(256, back.image().getTileWidth(), "written tiled as given");
            assertSamePixels(image, back.image());
        }
    }

    @Test
    void crsWithoutEpsgCodeAndWithoutSourceKeysIsEncodedBySis() {
        Georeferencing source = GeoTiffRasters.info(raster("float_raster_with_nodata.tif")).georef();
        var inMemory = new Georeferencing(source.gridToCrs(), null, OptionalInt.empty(), source.crs(), null);
        var image = new FunctionImage(40, 30, 1, DataBuffer.TYPE_FLOAT, 16, (x, y, b) -> x * 0.5 - y);
        Path out = dir.resolve("laea.tif");
        GeoTiffRasters.write(image, inMemory, out);
        try (GeoRaster back = GeoTiffRasters.open(out)) {
            assertEquals(source.gridToCrs(), back.info().georef().gridToCrs());
            assertTrue(Utilities.equalsIgnoreMetadata(source.crs(), back.info().georef().crs()),
                    () -> source.crsWkt() + "\n" + back.info().georef().crsWkt());
            assertSamePixels(image, back.image());
        }
    }

    /**
     * Regression: an image whose single tile is larger than the image itself (as the pipeline makes
     * when the tile is rounded up past the raster size) must read back pixel-exact, not sheared.
     */
    @ParameterizedTest
    @ValueSource(ints = {381, 383, 379})
    void tileLargerThanImageReadsBackExactly(int size) {
        Georeferencing georef = Georeferencing.of(new AffineTransform(0.5, 0, 0, -0.5, -10, 50), 4326);
        var floats = new FunctionImage(size, size - 2, 2, DataBuffer.TYPE_FLOAT, 384,
                (x, y, b) -> x * 1000 + y + b * 0.5);
        var bytes = new FunctionImage(size, size, 1, DataBuffer.TYPE_BYTE, 400, (x, y, b) -> (x * 7 + y * 3) % 251);
        // One tile column with several rows of tiles, and two tile columns whose tiles are taller than the image.
        var column = new FunctionImage(size, 3 * size, 1, DataBuffer.TYPE_FLOAT, 384, (x, y, b) -> x - y * 0.25);
        var row = new FunctionImage(2 * size, size, 1, DataBuffer.TYPE_FLOAT, 384, (x, y, b) -> x * 3 + y);
        for (var image : List.of(floats, bytes, column, row)) {
            Path out = dir.resolve("oversized-tile-" + size + "-" + image.getWidth() + "x" + image.getHeight() + ".tif");
            GeoTiffRasters.write(image, georef, out);
            try (GeoRaster back = GeoTiffRasters.open(out)) {
                assertEquals(image.getWidth(), back.info().width());
                assertEquals(image.getHeight(), back.info().height());
                assertSamePixels(image, back.image());
            }
        }
    }

    @Test
    void uint8OutputWithZeroNodata() {
        Georeferencing georef = Georeferencing.of(new AffineTransform(0.5, 0, 0, -0.5, -10, 50), 4326);
        var image = new FunctionImage(300, 200, 1, DataBuffer.TYPE_BYTE, 128, (x, y, b) -> (x + y) % 256);
        Path out = dir.resolve("display.tif");
        GeoTiffRasters.write(image, georef, out, WriteOptions.defaults().withNodata(0));
        try (GeoRaster back = GeoTiffRasters.open(out)) {
            assertEquals(RasterDataType.UINT8, back.info().dataType());
            assertEquals(0.0, back.info().nodata().orElseThrow());
            assertEquals(OptionalInt.of(4326), back.info().georef().epsg());
            assertEquals(georef.gridToCrs(), back.info().georef().gridToCrs());
            assertSamePixels(image, back.image());
        }
    }

    @Test
    void failingTileLeavesNothingBehind() throws IOException {
        Path out = dir.resolve("never.tif");
        var image = new FunctionImage(600, 600, 1, DataBuffer.TYPE_FLOAT, 128, (x, y, b) -> x) {
            @Override
            protected void beforeTile(int tx, int ty) {
                if (tx == 2 && ty == 3) {
                    throw new IllegalStateException("tile (2,3) exploded");
                }
            }
        };
        Georeferencing georef = Georeferencing.of(new AffineTransform(1, 0, 0, -1, 0, 0), 32618);
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> GeoTiffRasters.write(image, georef, out, WriteOptions.defaults()));
        assertEquals(Eo2SarException.Kind.IO, e.kind());
        assertTrue(e.getMessage().startsWith(out + ": cannot be written"), e.getMessage());
        assertTrue(e.getMessage().contains("exploded"), e.getMessage());
        assertOnlyFiles();
    }

    @Test
    void cancellationInsideGetTilePropagatesUnchangedAndLeavesNothing() throws IOException {
        Path out = dir.resolve("cancelled.tif");
        Files.writeString(out, "previous output");
        var image = new FunctionImage(400, 400, 1, DataBuffer.TYPE_FLOAT, 128, (x, y, b) -> y) {
            @Override
            protected void beforeTile(int tx, int ty) {
                if (ty == 2) {
                    throw new Eo2SarException(Eo2SarException.Kind.CANCELLED, "cancelled by the user");
                }
            }
        };
        Georeferencing georef = Georeferencing.of(new AffineTransform(1, 0, 0, -1, 0, 0), 32618);
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> GeoTiffRasters.write(image, georef, out, WriteOptions.defaults()));
        assertEquals(Eo2SarException.Kind.CANCELLED, e.kind());
        assertEquals("cancelled by the user", e.getMessage());
        assertEquals("previous output", Files.readString(out), "an existing output is only replaced on success");
        assertOnlyFiles(out);
    }

    @Test
    void missingOutputFolderIsAnArgumentError() {
        var image = new FunctionImage(32, 32, 1, DataBuffer.TYPE_BYTE, 16, (x, y, b) -> 1);
        Path out = dir.resolve("no/such/folder/out.tif");
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.write(image,
                Georeferencing.of(new AffineTransform(), 4326), out, WriteOptions.defaults()));
        assertEquals(Eo2SarException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void unknownEpsgCodeIsAnArgumentError() {
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> Georeferencing.of(new AffineTransform(), 2154));
        assertEquals(Eo2SarException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().startsWith("EPSG:2154 is not known"), e.getMessage());
    }

    @Test
    void bigTiffOnRequestAndAutomaticallyOnlyWhenLarge() throws IOException {
        var small = new FunctionImage(64, 64, 1, DataBuffer.TYPE_FLOAT, 32, (x, y, b) -> x * y);
        assertFalse(GeoTiffRasters.useBigTiff(small, WriteOptions.defaults()));
        var huge = new FunctionImage(40000, 40000, 1, DataBuffer.TYPE_FLOAT, 512, (x, y, b) -> 0);
        assertTrue(GeoTiffRasters.useBigTiff(huge, WriteOptions.defaults()), "6.4 GB of float32");
        Path out = dir.resolve("big.tif");
        Georeferencing georef = Georeferencing.of(new AffineTransform(2, 0, 0, -2, 1000, 2000), 32618);
        GeoTiffRasters.write(small, georef, out, WriteOptions.defaults().withBigTiff(WriteOptions.BigTiff.YES));
        byte[] head = Files.readAllBytes(out);
        assertEquals(43, head[2] | head[3], "BigTIFF magic number");
        try (GeoRaster back = GeoTiffRasters.open(out)) {
            assertEquals(georef.gridToCrs(), back.info().georef().gridToCrs());
            assertTrue(Double.isNaN(back.info().nodata().orElseThrow()));
            assertSamePixels(small, back.image());
        }
    }

    /** Asserts the temp dir holds exactly these files (no temporary leftovers). */
    private void assertOnlyFiles(Path... expected) {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(expected).stream().map(p -> p.getFileName().toString()).sorted().toList(),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
