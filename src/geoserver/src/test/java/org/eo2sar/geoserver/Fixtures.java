package org.eo2sar.geoserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.testsupport.TestData;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.gce.geotiff.GeoTiffReader;

/** Real test inputs: shared GeoTIFFs wrapped as coverages the way GeoServer hands them over, and the tiny models. */
final class Fixtures {
    static final String TILE_INVARIANT = "tiny-tileinvariant";
    static final String INSTANCE_NORM = "tiny-instancenorm";

    private Fixtures() {
    }

    static Path raster(String name) {
        return TestData.sharedData("rasters/" + name);
    }

    /** A model folder holding copies of both tiny generators. */
    static Path modelsDir(Path parent) throws IOException {
        Path dir = Files.createDirectories(parent.resolve("models"));
        for (String m : new String[] {TILE_INVARIANT, INSTANCE_NORM}) {
            Files.copy(TestData.testModel(m + ".onnx"), dir.resolve(m + ".onnx"));
        }
        return dir;
    }

    static PluginSettings settings(Path modelsDir) {
        return new PluginSettings(modelsDir, "cpu", 2, 30, 64_000_000, 4, 60);
    }

    /** The shared raster as GeoServer hands it over: read by GeoTools' own GeoTiffReader (nodata in GC_NODATA only). */
    static GridCoverage2D coverage(String name) throws IOException {
        return reader(name).read(null);
    }

    static GeoTiffReader reader(String name) throws IOException {
        return new GeoTiffReader(raster(name).toFile());
    }

    static GeoRaster open(String name) {
        return GeoTiffRasters.open(raster(name));
    }
}
