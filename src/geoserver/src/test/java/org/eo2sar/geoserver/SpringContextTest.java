package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.eo2sar.core.raster.GeoRaster;
import org.geoserver.wps.jts.SpringBeanProcessFactory;
import org.geotools.api.filter.expression.Function;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.filter.function.RenderingTransformation;
import org.geotools.process.function.ProcessFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.GenericXmlApplicationContext;

/**
 * Our applicationContext.xml in a real Spring context, with GeoServer's {@code resourceLoader}
 * bean pointing at a data directory that holds {@code eo2sar/models/*.onnx}.
 */
class SpringContextTest {
    @TempDir
    Path dataDir;

    private GenericXmlApplicationContext startContext() throws Exception {
        return Fixtures.startContext(dataDir);
    }

    @Test
    void wiresTheProcessesAndClosesSessionsWithTheContext() throws Exception {
        ModelRegistry registry;
        TranslateProcess translate;
        try (GeoRaster raster = Fixtures.open("RGB.byte.tif")) {
            GridCoverage2D eo = Fixtures.coverage("RGB.byte.tif");
            GenericXmlApplicationContext context = startContext();
            try {
                registry = context.getBean(ModelRegistry.class);
                assertEquals(dataDir.resolve("eo2sar/models"), registry.settings().modelsDir());
                assertEquals(2, context.getBeansOfType(Eo2SarProcess.class).size());
                context.getBean(SpringBeanProcessFactory.class);
                translate = context.getBean(TranslateProcess.class);
                assertTrue(context.getBean(ModelsProcess.class).execute().contains(Fixtures.INSTANCE_NORM));
                GridCoverage2D out = translate.execute(eo, Fixtures.TILE_INVARIANT, null, null, null, null, true,
                        null, null, null);
                assertSame(eo.getGridGeometry(), out.getGridGeometry());
                // listing opened both models on the CPU; the translation reused the shared session
                assertEquals(2, registry.openSessions());
                assertFalse(registry.isClosed());
            } finally {
                context.close();
            }
            assertTrue(registry.isClosed());
            assertEquals(0, registry.openSessions());
            assertThrows(IllegalStateException.class, () -> translate.execute(eo, Fixtures.TILE_INVARIANT, null, null,
                    null, null, null, null, null, null));
        }
    }

    @Test
    void theRenderingTransformationRunsThroughGeoToolsOwnProcessFunction() throws Exception {
        // How GeoServer's renderer calls a rendering transformation from an SLD: a function named
        // eo2sar:Translate made by GeoTools' ProcessFunctionFactory, evaluated on the coverage.
        GridCoverage2D eo = Fixtures.coverage("RGB.byte.tif");
        GenericXmlApplicationContext context = startContext();
        try {
            Function f = Fixtures.translateFunction("outputType", "uint8");
            assertTrue(f instanceof ProcessFunction && f instanceof RenderingTransformation, String.valueOf(f));
            Object out = f.evaluate(eo);
            GridCoverage2D sar = assertInstanceOf(GridCoverage2D.class, out);
            assertEquals(eo.getGridGeometry().getGridRange2D(), sar.getGridGeometry().getGridRange2D());
            assertEquals(1, sar.getNumSampleDimensions());
            assertEquals(java.awt.image.DataBuffer.TYPE_BYTE, sar.getRenderedImage().getSampleModel().getDataType());
        } finally {
            context.close();
        }
    }

    @Test
    void aMapTranslationStopsAtTheRenderTimeLimit() throws Exception {
        // the map path's only cancel signal; 1 ms is over before the first tile batch is back
        GridCoverage2D eo = Fixtures.coverage("RGB.byte.tif");
        System.setProperty(PluginSettings.RENDER_TIMEOUT, "0.001");
        GenericXmlApplicationContext context;
        try {
            context = startContext();
        } finally {
            System.clearProperty(PluginSettings.RENDER_TIMEOUT);
        }
        try {
            Function f = Fixtures.translateFunction();
            RuntimeException e = assertThrows(RuntimeException.class, () -> f.evaluate(eo));
            String message = String.valueOf(e.getMessage()) + " / " + e.getCause();
            assertTrue(message.contains("map translation stopped after 0.001 s (setting "
                    + PluginSettings.RENDER_TIMEOUT + ")"), message);
            // a WPS request on the same server has no such limit
            GridCoverage2D out = context.getBean(TranslateProcess.class).execute(eo, Fixtures.TILE_INVARIANT, null,
                    null, null, null, null, null, null, null);
            assertEquals(eo.getGridGeometry(), out.getGridGeometry());
        } finally {
            context.close();
        }
    }
}
