package org.eo2sar.app;

import java.nio.file.Path;
import org.eo2sar.core.testsupport.TestData;

/** The app tests' names for the core's test locations (repository root, shared rasters, tiny models). */
public final class TestPaths {
    private TestPaths() {
    }

    public static Path repoRoot() {
        return TestData.repoRoot();
    }

    /** {@code ../shared/data/rasters}. */
    public static Path rasters() {
        return TestData.sharedData("rasters");
    }

    public static Path raster(String name) {
        return rasters().resolve(name);
    }

    /** The folder with the tiny test models (tiny-instancenorm.onnx, tiny-tileinvariant.onnx). */
    public static Path models() {
        return TestData.testModel("");
    }

    public static Path model(String name) {
        return TestData.testModel(name);
    }
}
