package org.eo2sar.geoserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.RasterInfo;
import org.eo2sar.core.testsupport.TestData;
import org.geotools.api.referencing.FactoryException;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.coverage.Category;
import org.geotools.coverage.GridSampleDimension;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.coverage.grid.GridCoverageFactory;
import org.geotools.coverage.grid.GridEnvelope2D;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.referencing.CRS;
import org.geotools.referencing.operation.transform.AffineTransform2D;

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
        return new PluginSettings(modelsDir, "cpu", 2, 30, 64_000_000, 4);
    }

    /**
     * The raster as a coverage: corner grid-to-CRS from the file, its CRS WKT, one sample dimension
     * per band carrying the file's nodata (as GeoTools' GeoTIFF reader does).
     */
    static GridCoverage2D coverage(GeoRaster raster) throws FactoryException {
        RasterInfo info = raster.info();
        GridGeometry2D grid = new GridGeometry2D(
                new GridEnvelope2D(raster.image().getMinX(), raster.image().getMinY(), info.width(), info.height()),
                PixelInCell.CELL_CORNER, new AffineTransform2D(info.georef().gridToCrs()),
                CRS.parseWKT(info.georef().crsWkt()), null);
        GridSampleDimension[] bands = new GridSampleDimension[info.bandCount()];
        for (int b = 0; b < bands.length; b++) {
            bands[b] = info.nodata().isPresent()
                    ? new GridSampleDimension("band" + (b + 1),
                            new Category[] {new Category("nodata", null, info.nodata().getAsDouble())}, null)
                    : new GridSampleDimension("band" + (b + 1));
        }
        return new GridCoverageFactory().create(info.path().getFileName().toString(), raster.image(), grid, bands,
                null, null);
    }

    static GeoRaster open(String name) {
        return GeoTiffRasters.open(raster(name));
    }
}
