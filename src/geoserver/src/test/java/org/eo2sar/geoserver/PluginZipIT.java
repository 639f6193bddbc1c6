package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Runs in the package phase after the assembly: the plugin zip holds our jars, ONNX Runtime and
 * SIS, and nothing GeoServer already has or that must never ship (stand-ins, GeoTools, GeoServer, JTS).
 */
class PluginZipIT {
    @Test
    void zipHoldsOurJarsAndNoStandIns() throws IOException {
        Path zip = Path.of(System.getProperty("eo2sar.plugin.zip"));
        assertTrue(Files.isRegularFile(zip), "missing " + zip);
        // shaped like GeoServer's own extension zips (geoserver-2.28.x-wps-plugin.zip), but with our version:
        // one zip serves GeoServer 2.27-2.29, so no GeoServer version belongs in the name
        assertEquals("geoserver-eo2sar-" + System.getProperty("eo2sar.version") + "-plugin.zip",
                zip.getFileName().toString());
        List<String> entries = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.stream().map(ZipEntry::getName).forEach(entries::add);
            for (String name : entries) {
                assertFalse(name.contains("/"), "flat layout for WEB-INF/lib: " + name);
                assertFalse(name.startsWith("eo2sar-geoserver-api"), "stand-ins must not ship: " + name);
                assertFalse(name.startsWith("gt-") || name.startsWith("gs-") || name.startsWith("geotools-wrapper"),
                        "GeoTools/GeoServer jar: " + name);
                assertFalse(name.startsWith("jts-") || name.startsWith("jackson-") || name.startsWith("unit-api")
                        || name.startsWith("spring-") || name.startsWith("junit"), "GeoServer ships it: " + name);
                if (name.endsWith(".jar")) {
                    assertNoStandInClasses(z, z.getEntry(name));
                }
            }
        }
        assertHas(entries, "eo2sar-geoserver-");
        assertHas(entries, "eo2sar-core-");
        assertHas(entries, "onnxruntime");
        assertHas(entries, "sis-geotiff-");
        assertHas(entries, "geoapi-");
        assertTrue(entries.contains("geoserver.md"), entries.toString());
        assertTrue(entries.contains("LICENSE-Apache-2.0.txt") && entries.contains("LICENSE-MIT-onnxruntime.txt"),
                entries.toString());
        try (ZipFile z = new ZipFile(zip.toFile())) {
            String notice = new String(z.getInputStream(z.getEntry("NOTICE.md")).readAllBytes(),
                    StandardCharsets.UTF_8);
            String version = System.getProperty("eo2sar.version");
            for (String jar : entries) {
                if (jar.endsWith(".jar")) {
                    String listed = jar.replace(version, "<version>");
                    assertTrue(notice.contains("`" + listed + "`"), "NOTICE.md does not list " + listed);
                }
            }
            Manifest manifest = jarManifest(z, "eo2sar-geoserver-" + version + ".jar");
            assertEquals(version, manifest.getMainAttributes().getValue("Implementation-Version"));
        }
    }

    private static Manifest jarManifest(ZipFile zip, String jar) throws IOException {
        try (JarInputStream in = new JarInputStream(zip.getInputStream(zip.getEntry(jar)))) {
            return in.getManifest();
        }
    }

    private static void assertHas(List<String> entries, String prefix) {
        assertEquals(1, entries.stream().filter(e -> e.startsWith(prefix) && e.endsWith(".jar")).count(),
                prefix + " in " + entries);
    }

    /** No org/geotools or org/geoserver class in any shipped jar. */
    private static void assertNoStandInClasses(ZipFile zip, ZipEntry jar) throws IOException {
        try (InputStream in = zip.getInputStream(jar); ZipInputStream classes = new ZipInputStream(in)) {
            for (ZipEntry e = classes.getNextEntry(); e != null; e = classes.getNextEntry()) {
                String n = e.getName();
                assertFalse(n.startsWith("org/geotools/") || n.startsWith("org/geoserver/"),
                        jar.getName() + " contains " + n);
            }
        }
    }
}
