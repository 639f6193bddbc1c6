package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/geoserver.md section 1, step by step as far as it goes without a GeoServer: the built zip is
 * unzipped into a {@code WEB-INF/lib}, the shipped models are copied into
 * {@code <data dir>/eo2sar/models}, and the plugin starts and translates in a class loader that holds
 * only that {@code WEB-INF/lib} plus what GeoServer itself provides (the Maven {@code provided}
 * dependencies: GeoTools, Spring, the two GeoServer stand-ins; and JTS, Jackson, unit-api, which the
 * zip leaves out because GeoServer ships them). A class the zip forgot fails here.
 */
class InstallGuideIT {
    @TempDir
    Path tmp;

    @Test
    void theUnzippedPluginStartsAndTranslatesWithOnlyWhatGeoServerProvides() throws Exception {
        // step 3: unzip geoserver-eo2sar-<version>-plugin.zip -d $CATALINA_BASE/webapps/geoserver/WEB-INF/lib
        Path lib = Files.createDirectories(tmp.resolve("webapps/geoserver/WEB-INF/lib"));
        List<URL> urls = new ArrayList<>();
        try (ZipFile zip = new ZipFile(System.getProperty("eo2sar.plugin.zip"))) {
            for (ZipEntry e : zip.stream().toList()) {
                Path target = lib.resolve(e.getName());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target);
                }
                if (e.getName().endsWith(".jar")) {
                    urls.add(target.toUri().toURL());
                }
            }
        }
        // what GeoServer has: the provided-scope class path Maven wrote, plus the jars the zip leaves out for it
        for (String entry : Files.readString(Path.of(System.getProperty("eo2sar.provided.classpath")))
                .trim().split(java.io.File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("jts-core-") || name.startsWith("jackson-") || name.startsWith("unit-api-")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        urls.add(InstalledPlugin.class.getProtectionDomain().getCodeSource().getLocation()); // the helper only

        // step 4: mkdir -p $GEOSERVER_DATA_DIR/eo2sar/models; cp sample-data/models/eo2sar-{default,rgb}.onnx ...
        Path dataDir = tmp.resolve("data_dir");
        Path models = Files.createDirectories(dataDir.resolve("eo2sar/models"));
        for (String m : new String[] {"eo2sar-default.onnx", "eo2sar-rgb.onnx"}) {
            Files.copy(TestData.repoRoot().resolve("sample-data/models").resolve(m), models.resolve(m));
        }
        Path scene = TestData.repoRoot().resolve("sample-data/real-s2-l2a-eo.tif");

        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader webapp = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(webapp);
            String report = (String) webapp.loadClass(InstalledPlugin.class.getName())
                    .getMethod("run", String.class, String.class, String.class)
                    .invoke(null, dataDir.toString(), scene.toString(), "eo2sar-default");
            System.out.print(report);
            assertTrue(report.matches("(?s).*\"name\"\\s*:\\s*\"eo2sar-default\".*")
                    && report.matches("(?s).*\"name\"\\s*:\\s*\"eo2sar-rgb\".*"), report);
            assertTrue(!report.contains("\"error\""), report);
            assertTrue(report.contains("translate: VV, 120x120, same grid"), report);
            // the plugin's classes came from the unzipped jar, not from the build's class path
            Class<?> process = webapp.loadClass(TranslateProcess.class.getName());
            assertTrue(process.getProtectionDomain().getCodeSource().getLocation().toString().contains("WEB-INF/lib"),
                    String.valueOf(process.getProtectionDomain().getCodeSource().getLocation()));
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
