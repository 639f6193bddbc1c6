package org.eo2sar.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.model.ModelCard.ValueRange;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.Georeferencing;
import org.eo2sar.core.raster.RasterDataType;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.Test;

class InputCheckTest {
    /** A Sentinel-2 L2A card like the shipped model's: reflectance x 10000, 10 m. */
    static ModelCard s2Card(List<ValueRange> range) {
        return new ModelCard("s2", "1", "", List.of("red", "green", "blue"), new double[] {2e-4, 2e-4, 2e-4},
                new double[] {-1, -1, -1}, List.of("VV"), "dB", new double[] {22.5}, new double[] {-12.5},
                4, 256, 32, 10, true, null, range);
    }

    /** Ranges as the shipped model's card has them: medians over training patches of each patch's 2nd/98th percentile. */
    static final ModelCard S2 = s2Card(List.of(new ValueRange(153, 1345), new ValueRange(277, 1222), new ValueRange(140, 835)));

    static Optional<String> check(ModelCard card, Path file) {
        try (GeoRaster r = GeoTiffRasters.open(file)) {
            return InputCheck.check(card, r.image(), new int[] {0, 1, 2}, r.info().dataType(), r.info().nodata(), r.info().georef());
        }
    }

    @Test
    void realSentinel2PatchPasses() {
        // the shipped sample: a real S2 L2A patch (reflectance x 10000, 10 m UTM)
        assertEquals(Optional.empty(), check(S2, TestData.repoRoot().resolve("sample-data/real-s2-l2a-eo.tif")));
    }

    @Test
    void eightBitLandsatAt300mIsFlaggedTwice() {
        String line = check(S2, TestData.sharedData("rasters/RGB.byte.tif")).orElseThrow();
        assertTrue(line.startsWith("input may not suit model s2: "), line);
        assertTrue(line.contains("red values reach 255 (98th percentile), the model's training data 1345"), line);
        assertTrue(line.contains("8-bit vs reflectance x 10000"), line);
        assertTrue(line.contains("8-bit input, the model takes values up to 10000 (e.g. Sentinel-2 L2A reflectance x 10000)"), line);
        assertTrue(line.contains("pixel size 300 m, the model was trained at 10 m"), line);
    }

    @Test
    void geographicPixelSizeIsConvertedToMetres() {
        // world.rgb.tif: a whole-world image in EPSG:4326, degree-sized pixels (tens of km)
        String line = check(S2, TestData.sharedData("rasters/world.rgb.tif")).orElseThrow();
        assertTrue(line.matches(".*pixel size \\d{5,} m, the model was trained at 10 m.*"), line);
        Georeferencing tenMetresAtEquator = Georeferencing.of(new AffineTransform(1e-4 * 0.898, 0, 0, -1e-4 * 0.904, 10, 0.5), 4326);
        assertEquals(10.0, InputCheck.pixelSizeMetres(tenMetresAtEquator, 100, 100), 0.1);
    }

    @Test
    void withoutATypicalRangeOnlyValuesBeyondTheScalingAreFlagged() {
        ModelCard noRange = s2Card(List.of());
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_USHORT_GRAY);
        Georeferencing tenMetres = Georeferencing.of(new AffineTransform(10, 0, 0, -10, 500000, 4100000), 32618);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                r.setSample(x, y, 0, 200 + x * 10); // reflectance-like: fits the scaling
            }
        }
        int[] one = {0, 0, 0};
        assertFalse(InputCheck.check(noRange, img, one, RasterDataType.UINT16, OptionalDouble.empty(), tenMetres).isPresent());
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                r.setSample(x, y, 0, 30000 + x); // beyond 10000: maps above +1.5
            }
        }
        String line = InputCheck.check(noRange, img, one, RasterDataType.UINT16, OptionalDouble.empty(), tenMetres).orElseThrow();
        assertTrue(line.contains("beyond the card's input scaling"), line);
        assertFalse(line.contains("pixel size"), line);
    }

    @Test
    void nodataIsLeftOutOfTheStatistics() {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int x = 0; x < 32; x++) {
            for (int y = 0; y < 32; y++) {
                r.setSample(x, y, 0, x < 24 ? 65535 : 800); // three quarters nodata 65535
            }
        }
        Georeferencing tenMetres = Georeferencing.of(new AffineTransform(10, 0, 0, -10, 500000, 4100000), 32618);
        int[] one = {0, 0, 0};
        assertFalse(InputCheck.check(S2, img, one, RasterDataType.UINT16, OptionalDouble.of(65535), tenMetres).isPresent());
        assertTrue(InputCheck.check(S2, img, one, RasterDataType.UINT16, OptionalDouble.empty(), tenMetres).isPresent());
    }
}
