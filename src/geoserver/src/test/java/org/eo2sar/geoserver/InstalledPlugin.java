package org.eo2sar.geoserver;

import java.io.File;
import java.util.Map;
import org.geoserver.platform.GeoServerResourceLoader;
import org.geotools.api.util.ProgressListener;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.feature.NameImpl;
import org.geotools.gce.geotiff.GeoTiffReader;
import org.geotools.process.Process;
import org.geotools.process.Processors;
import org.springframework.context.support.GenericXmlApplicationContext;

/**
 * Runs inside {@link InstallGuideIT}'s class loader, which holds only the unzipped plugin and what
 * GeoServer itself ships: starts the Spring context as GeoServer does (every
 * {@code classpath*:applicationContext.xml}, GeoServer's {@code resourceLoader} bean), then calls both
 * processes through GeoTools' process registry, as WPS does. Self-contained on purpose: no other test
 * class is visible from there.
 */
public final class InstalledPlugin {
    private InstalledPlugin() {
    }

    /** One line per check; throws when something is missing or wrong. */
    public static String run(String dataDir, String scene, String model) throws Exception {
        StringBuilder report = new StringBuilder();
        GenericXmlApplicationContext context = new GenericXmlApplicationContext();
        context.setClassLoader(InstalledPlugin.class.getClassLoader());
        context.getBeanFactory().registerSingleton("resourceLoader", new GeoServerResourceLoader(new File(dataDir)));
        context.load("classpath*:applicationContext.xml");
        context.refresh();
        try {
            Process models = Processors.createProcess(new NameImpl("eo2sar", "Models"));
            Process translate = Processors.createProcess(new NameImpl("eo2sar", "Translate"));
            if (models == null || translate == null) {
                throw new IllegalStateException("eo2sar processes not registered with GeoTools' Processors");
            }
            report.append("models: ").append(models.execute(Map.of(), null).get("models")).append('\n');
            GeoTiffReader reader = new GeoTiffReader(new File(scene));
            try {
                GridCoverage2D eo = reader.read(null);
                Map<String, Object> out = translate.execute(Map.of("data", eo, "model", model),
                        (ProgressListener) null);
                GridCoverage2D sar = (GridCoverage2D) out.get("result");
                if (!sar.getGridGeometry().equals(eo.getGridGeometry())) {
                    throw new IllegalStateException("output grid " + sar.getGridGeometry() + " is not the input's");
                }
                float[] px = sar.getRenderedImage().getData().getPixels(0, 0, 8, 8, (float[]) null);
                double mean = 0;
                for (float v : px) {
                    mean += v / px.length;
                }
                report.append(String.format(java.util.Locale.ROOT, "translate: %s, %dx%d, same grid, mean of the "
                                + "first 8x8 pixels %.1f dB%n", sar.getSampleDimension(0).getDescription(),
                        sar.getRenderedImage().getWidth(), sar.getRenderedImage().getHeight(), mean));
            } finally {
                reader.dispose();
            }
        } finally {
            context.close();
        }
        return report.toString();
    }
}
