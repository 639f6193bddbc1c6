package org.eo2sar.core.pipeline;

import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.nio.file.Path;
import org.eo2sar.core.testsupport.TestData;

/** Shared paths and pixel helpers for the pipeline tests. */
final class PipelineFixtures {
    static final Path INVARIANT = TestData.testModel("tiny-tileinvariant.onnx");
    static final Path INSTANCE = TestData.testModel("tiny-instancenorm.onnx");
    static final Path RGB = TestData.sharedData("rasters/RGB.byte.tif");
    static final Path ALL_NODATA = TestData.sharedData("rasters/all-nodata.tif");
    static final Path FLOAT1 = TestData.sharedData("rasters/float_raster_with_nodata.tif");

    private PipelineFixtures() {
    }

    /** Band {@code b} of the whole image, row-major. */
    static float[] band(RenderedImage img, int b) {
        Raster r = img.getData();
        return r.getSamples(r.getMinX(), r.getMinY(), r.getWidth(), r.getHeight(), b, new float[r.getWidth() * r.getHeight()]);
    }

    /** Max and mean |a − b| over pixels where both are finite; NaN positions must agree. */
    static double[] diff(float[] a, float[] b) {
        double max = 0, sum = 0;
        long n = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i]) != Float.isNaN(b[i])) {
                throw new AssertionError("nodata differs at pixel " + i + ": " + a[i] + " vs " + b[i]);
            }
            if (!Float.isNaN(a[i])) {
                double d = Math.abs(a[i] - b[i]);
                max = Math.max(max, d);
                sum += d;
                n++;
            }
        }
        return new double[] {max, n == 0 ? 0 : sum / n, n};
    }
}
