package org.eo2sar.core.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.eo2sar.core.Progress;

/**
 * Locates the repository root and the shared test data ({@code ../shared/data} next to it)
 * without absolute paths: surefire sets {@code eo2sar.repo.root}; otherwise we walk up from
 * {@code user.dir} until we find the root pom with a {@code src/core} module.
 */
public final class TestData {
    /** A progress that asks every translation to stop at its first check. */
    public static final Progress CANCELLED = new Progress() {
        @Override
        public void update(long done, long total) {
        }

        @Override
        public boolean isCancelled() {
            return true;
        }
    };

    private static volatile Path root;

    private TestData() {
    }

    /** The repository root (the folder with the parent {@code pom.xml}). */
    public static Path repoRoot() {
        Path r = root;
        if (r == null) {
            r = findRoot();
            root = r;
        }
        return r;
    }

    /** A path under {@code ../shared/data} relative to the repository root, e.g. {@code "rasters/RGB.byte.tif"}. */
    public static Path sharedData(String relative) {
        return repoRoot().resolve("..").resolve("shared").resolve("data").resolve(relative).normalize();
    }

    /** A model under {@code src/core/src/test/resources/models/}. */
    public static Path testModel(String name) {
        return repoRoot().resolve("src/core/src/test/resources/models").resolve(name);
    }

    private static Path findRoot() {
        String prop = System.getProperty("eo2sar.repo.root");
        if (prop != null && !prop.isBlank() && isRoot(Paths.get(prop))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p.normalize();
            }
        }
        throw new IllegalStateException("cannot locate the repository root from user.dir="
                + System.getProperty("user.dir") + " (set -Deo2sar.repo.root)");
    }

    private static boolean isRoot(Path p) {
        return Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("src/core"));
    }
}
