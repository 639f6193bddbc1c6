package org.eo2sar.geoserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.testsupport.TestData;
import org.geoserver.platform.GeoServerResourceLoader;
import org.geotools.api.filter.FilterFactory;
import org.geotools.api.filter.expression.Expression;
import org.geotools.api.filter.expression.Function;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.factory.CommonFactoryFinder;
import org.geotools.feature.NameImpl;
import org.geotools.gce.geotiff.GeoTiffReader;
import org.springframework.context.support.GenericXmlApplicationContext;

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

    /** Our applicationContext.xml, refreshed, over a GeoServer data directory holding the test models. */
    static GenericXmlApplicationContext startContext(Path dataDir) throws IOException {
        modelsDir(Files.createDirectories(dataDir.resolve("eo2sar")));
        GenericXmlApplicationContext context = new GenericXmlApplicationContext();
        context.getBeanFactory().registerSingleton("resourceLoader", new GeoServerResourceLoader(dataDir.toFile()));
        context.load("classpath:applicationContext.xml");
        context.refresh();
        return context;
    }

    /**
     * The rendering transformation as an SLD names it: a function {@code eo2sar:Translate} made by
     * GeoTools' ProcessFunctionFactory on the tile-invariant model, plus literal parameters
     * ({@code name, value, ...}); needs a started context.
     */
    static Function translateFunction(String... nameValues) {
        FilterFactory ff = CommonFactoryFinder.getFilterFactory();
        List<Expression> params = new ArrayList<>();
        params.add(ff.function("parameter", ff.literal("data")));
        params.add(ff.function("parameter", ff.literal("model"), ff.literal(TILE_INVARIANT)));
        for (int i = 0; i < nameValues.length; i += 2) {
            params.add(ff.function("parameter", ff.literal(nameValues[i]), ff.literal(nameValues[i + 1])));
        }
        return ff.function(new NameImpl("eo2sar", "Translate"), params.toArray(Expression[]::new));
    }

    static GeoRaster open(String name) {
        return GeoTiffRasters.open(raster(name));
    }
}
