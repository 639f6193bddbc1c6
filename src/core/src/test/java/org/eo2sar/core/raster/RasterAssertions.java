package org.eo2sar.core.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Rectangle;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;

/** Pixel comparisons shared by the raster tests. */
final class RasterAssertions {
    private RasterAssertions() {
    }

    /** All samples of a region, band by band, as doubles. */
    static double[] samples(RenderedImage image, Rectangle region) {
        Raster r = image.getData(region);
        int bands = r.getNumBands();
        double[] all = new double[region.width * region.height * bands];
        for (int b = 0; b < bands; b++) {
            double[] band = r.getSamples(region.x, region.y, region.width, region.height, b, (double[]) null);
            System.arraycopy(band, 0, all, b * band.length, band.length);
        }
        return all;
    }

    static double[] samples(RenderedImage image) {
        return samples(image, new Rectangle(image.getMinX(), image.getMinY(), image.getWidth(), image.getHeight()));
    }

    /** Same size, band count and every sample equal (NaN equals NaN). */
    static void assertSamePixels(RenderedImage expected, RenderedImage actual) {
        assertEquals(expected.getWidth(), actual.getWidth(), "width");
        assertEquals(expected.getHeight(), actual.getHeight(), "height");
        assertEquals(expected.getSampleModel().getNumBands(), actual.getSampleModel().getNumBands(), "bands");
        assertArrayEquals(samples(expected), samples(actual), 0.0);
    }
}
