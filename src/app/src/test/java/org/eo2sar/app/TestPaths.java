package org.eo2sar.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The repository root and the shared test data ({@code ../shared/data} next to it), found from
 * surefire's {@code eo2sar.repo.root} or by walking up from {@code user.dir}: never absolute paths.
 */
public final class TestPaths {
    private TestPaths() {
    }

    public static Path repoRoot() {
        String prop = System.getProperty("eo2sar.repo.root");
        if (prop != null && !prop.isBlank() && isRoot(Paths.get(prop))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p.normalize();
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + System.getProperty("user.dir"));
    }

    /** {@code ../shared/data/rasters}. */
    public static Path rasters() {
        return repoRoot().resolve("../shared/data/rasters").normalize();
    }

    public static Path raster(String name) {
        return rasters().resolve(name);
    }

    /** The folder with the tiny test models (tiny-instancenorm.onnx, tiny-tileinvariant.onnx). */
    public static Path models() {
        return repoRoot().resolve("src/core/src/test/resources/models");
    }

    public static Path model(String name) {
        return models().resolve(name);
    }

    private static boolean isRoot(Path p) {
        return Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("src/core"))
                && Files.isDirectory(p.resolve("src/app"));
    }
}
