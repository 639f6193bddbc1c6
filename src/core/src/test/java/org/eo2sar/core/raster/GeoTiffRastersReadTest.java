package org.eo2sar.core.raster;

import static org.eo2sar.core.raster.RasterAssertions.assertSamePixels;
import static org.eo2sar.core.raster.RasterAssertions.samples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.crs.ProjectedCRS;

/** Reading the real GeoTIFFs of ../shared/data/rasters. */
class GeoTiffRastersReadTest {
    static Path raster(String name) {
        return TestData.sharedData("rasters/" + name);
    }

    static final AffineTransform RGB_BYTE_G2C = new AffineTransform(
            300.0379266750948, 0, 0, -300.041782729805, 101985.0, 2826915.0);

    @Test
    void rgbByteInfo() {
        RasterInfo info = GeoTiffRasters.info(raster("RGB.byte.tif"));
        assertEquals(791, info.width());
        assertEquals(718, info.height());
        assertEquals(3, info.bandCount());
        assertEquals(RasterDataType.UINT8, info.dataType());
        assertEquals(0.0, info.nodata().orElseThrow());
        Georeferencing g = info.georef();
        assertEquals(OptionalInt.of(32618), g.epsg());
        assertEquals(RGB_BYTE_G2C, g.gridToCrs(), "grid to CRS, exactly");
        assertEquals(300.04, g.pixelSizeX(), 0.01);
        assertEquals(300.04, g.pixelSizeY(), 0.01);
        assertTrue(g.crs() instanceof ProjectedCRS);
        assertTrue(g.crsWkt().contains("UTM zone 18N"), g.crsWkt());
        assertTrue(g.geoTiffKeys() != null);
    }

    @Test
    void lzwAndDeflateVariantsHaveTheSameGridAndPixels() {
        try (GeoRaster plain = GeoTiffRasters.open(raster("RGB.byte.tif"));
             GeoRaster lzw = GeoTiffRasters.open(raster("rgb_lzw.tif"));
             GeoRaster deflate = GeoTiffRasters.open(raster("rgb_deflate.tif"))) {
            for (GeoRaster other : new GeoRaster[] {lzw, deflate}) {
                assertEquals(plain.info().georef().gridToCrs(), other.info().georef().gridToCrs());
                assertEquals(plain.info().georef().epsg(), other.info().georef().epsg());
                assertEquals(plain.info().nodata(), other.info().nodata());
                assertSamePixels(plain.image(), other.image());
            }
            // not a trivially blank image: the scene has data and a nodata border
            double[] s = samples(plain.image());
            assertTrue(java.util.Arrays.stream(s).anyMatch(v -> v > 100));
            assertEquals(0.0, plain.image().getData(new Rectangle(0, 0, 1, 1)).getSample(0, 0, 0));
        }
    }

    @Test
    void tiledFileIsReadTileByTileAndWindowsMatchTheFullRead() {
        try (GeoRaster lzw = GeoTiffRasters.open(raster("rgb_lzw.tif"));
             GeoRaster plain = GeoTiffRasters.open(raster("RGB.byte.tif"))) {
            RenderedImage img = lzw.image();
            assertEquals(256, img.getTileWidth(), "tiles as stored");
            assertEquals(256, img.getTileHeight());
            assertEquals(0, img.getMinX());
            assertEquals(0, img.getMinY());
            Raster tile = img.getTile(1, 2);
            Rectangle r = tile.getBounds().intersection(new Rectangle(0, 0, 791, 718));
            assertEquals(new Rectangle(256, 512, 256, 206), r);
            for (int b = 0; b < 3; b++) {
                assertArrayEquals(
                        plain.image().getData(r).getSamples(r.x, r.y, r.width, r.height, b, (double[]) null),
                        tile.getSamples(r.x, r.y, r.width, r.height, b, (double[]) null), 0.0);
            }
        }
    }

    @Test
    void tilesCanBeReadFromSeveralThreadsAtOnce() throws Exception {
        try (GeoRaster shared = GeoTiffRasters.open(raster("rgb_lzw.tif"));
             GeoRaster reference = GeoTiffRasters.open(raster("RGB.byte.tif"))) {
            RenderedImage img = shared.image();
            int n = img.getNumXTiles() * img.getNumYTiles();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                var futures = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
                for (int t = 0; t < 4; t++) {
                    int offset = t;
                    futures.add(pool.submit(() -> {
                        int checked = 0;
                        for (int k = 0; k < n; k++) {
                            int i = (k + offset * 3) % n;     // each thread starts elsewhere
                            Raster tile = img.getTile(i % img.getNumXTiles(), i / img.getNumXTiles());
                            Rectangle r = tile.getBounds().intersection(new Rectangle(0, 0, 791, 718));
                            Raster expected = reference.image().getData(r);
                            for (int b = 0; b < 3; b++) {
                                assertArrayEquals(
                                        expected.getSamples(r.x, r.y, r.width, r.height, b, (double[]) null),
                                        tile.getSamples(r.x, r.y, r.width, r.height, b, (double[]) null), 0.0);
                            }
                            checked++;
                        }
                        return checked;
                    }));
                }
                for (var f : futures) {
                    assertEquals(n, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void tilesAreReadOnDemandNotAtOpen() {
        RenderedImage img;
        try (GeoRaster lzw = GeoTiffRasters.open(raster("rgb_lzw.tif"))) {
            img = lzw.image();
            img.getTile(0, 0);
        }
        // Had open() loaded the pixels, this tile would still be in memory; lazily, it needs the closed file.
        RenderedImage closed = img;
        assertThrows(RuntimeException.class, () -> closed.getTile(2, 2));
    }

    @Test
    void worldRgbIsStripedLzwInEpsg4326() {
        try (GeoRaster r = GeoTiffRasters.open(raster("world.rgb.tif"))) {
            RasterInfo info = r.info();
            assertEquals(512, info.width());
            assertEquals(256, info.height());
            assertEquals(3, info.bandCount());
            assertEquals(RasterDataType.UINT8, info.dataType());
            assertFalse(info.nodata().isPresent());
            assertEquals(OptionalInt.of(4326), info.georef().epsg());
            assertTrue(info.georef().crs() instanceof GeographicCRS);
            assertEquals(new AffineTransform(0.703125, 0, 0, -0.703125, -180, 90), info.georef().gridToCrs());
            assertEquals(16, r.image().getTileHeight(), "512x16 strips");
            assertEquals(50.0, r.image().getTile(0, 0).getSampleDouble(256, 8, 0));
        }
    }

    @Test
    void floatRasterWithNodataAndNonEpsgCrs() {
        try (GeoRaster r = GeoTiffRasters.open(raster("float_raster_with_nodata.tif"))) {
            RasterInfo info = r.info();
            assertEquals(13, info.width());
            assertEquals(12, info.height());
            assertEquals(1, info.bandCount());
            assertEquals(RasterDataType.FLOAT32, info.dataType());
            assertEquals(-3.4e38, info.nodata().orElseThrow(), 1e31);
            assertFalse(info.georef().epsg().isPresent(), "user-defined CRS has no EPSG code");
            assertTrue(info.georef().crs() instanceof ProjectedCRS);
            assertEquals(new AffineTransform(500, 0, 0, -500, 6301612.204093784, 3314112.2306177607),
                    info.georef().gridToCrs());
            double[] s = samples(r.image());
            assertTrue(java.util.Arrays.stream(s).anyMatch(v -> Double.isFinite(v) && v > -1e38), "has valid data");
        }
    }

    @Test
    void allNodataRasterIsEveryPixelNodata() {
        try (GeoRaster r = GeoTiffRasters.open(raster("all-nodata.tif"))) {
            RasterInfo info = r.info();
            assertEquals(71, info.width());
            assertEquals(2475, info.height());
            assertEquals(4, info.bandCount());
            assertEquals(RasterDataType.UINT16, info.dataType());
            assertEquals(0.0, info.nodata().orElseThrow());
            assertEquals(OptionalInt.of(32628), info.georef().epsg());
            assertEquals(new AffineTransform(3, 0, 0, -3, 341970, 1603902), info.georef().gridToCrs());
            assertTrue(java.util.Arrays.stream(samples(r.image())).allMatch(v -> v == 0));
        }
    }

    @Test
    @Timeout(60)    // a hang guard, not a performance claim
    void corruptTiffFailsFastWithAClearError() {
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.open(raster("corrupt.tif")));
        assertEquals(Eo2SarException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("corrupt.tif"), e.getMessage());
        assertTrue(e.getMessage().contains("is corrupt: tile 3 data lies outside the file"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aJpegOrthophotoCogOpensWithItsInternalMask() {
        // cogeo.tif: a real 0.6 m aerial COG, YCbCr JPEG in 512 px tiles, with a GDAL internal mask
        try (GeoRaster r = GeoTiffRasters.open(raster("cogeo.tif"))) {
            assertEquals(1024, r.info().width());
            assertEquals(List.of("Red", "Green", "Blue", "Mask (GDAL internal mask)"), r.info().bandLabels());
            Raster tile = r.image().getTile(1, 1);
            assertEquals(512, tile.getMinX());
            int[] px = tile.getPixels(600, 600, 16, 16, (int[]) null);
            assertTrue(java.util.Arrays.stream(px).anyMatch(v -> v > 1), "decoded pixels, not zeros");
        }
    }

    @Test
    void missingAndNonTiffFilesGiveClearErrors() {
        Path missing = raster("no-such-file.tif");
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.open(missing));
        assertEquals(Eo2SarException.Kind.INVALID_INPUT, e.kind());
        assertEquals(missing + " does not exist", e.getMessage());

        Path text = raster("LICENSE-rasterio.txt");
        e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.open(text));
        assertEquals(Eo2SarException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().startsWith(text + " is not a TIFF file"), e.getMessage());

        e = assertThrows(Eo2SarException.class, () -> GeoTiffRasters.open(raster("")));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void formatterShowsSizeBandsTypeCrsGridAndNodata() {
        String text = RasterInfoFormatter.format(GeoTiffRasters.info(raster("RGB.byte.tif")));
        assertTrue(text.contains("791 x 718"), text);
        assertTrue(text.contains("Bands:       3"), text);
        assertTrue(text.contains("uint8"), text);
        assertTrue(text.contains("EPSG:32618"), text);
        assertTrue(text.contains("101985, 2826915"), text);
        assertTrue(text.contains("300.0379266750948, -300.041782729805"), text);
        assertTrue(text.contains("Nodata:      0"), text);
        assertTrue(text.contains("PROJCRS") || text.contains("PROJCS"), text);
    }
}
