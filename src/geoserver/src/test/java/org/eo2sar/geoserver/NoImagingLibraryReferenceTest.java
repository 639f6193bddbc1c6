package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One jar serves GeoServer 2.27 (GeoTools 33, JAI) and 2.28/2.29 (GeoTools 34/35, ImageN), so our
 * classes must name no type of either imaging library. Class names in the constant pool are UTF-8,
 * so a byte search of the compiled classes finds any such reference. (The full member-by-member
 * check against GeoTools 33.1, 34.5 and 35.1 sources is scripts/check-geotools-api.py; it needs a
 * GeoTools clone, so it is not part of the suite.)
 */
class NoImagingLibraryReferenceTest {
    private static final String[] FORBIDDEN = {"javax/media/jai/", "it/geosolutions/jaiext/", "org/eclipse/imagen/"};

    @Test
    void shippedClassesNameNoJaiOrImageNType() throws IOException {
        Path classes = Path.of(TranslateProcess.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> hits = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                scanned++;
                for (String bad : FORBIDDEN) {
                    if (text.contains(bad)) {
                        hits.add(classes.relativize(f) + " names " + bad);
                    }
                }
            }
        }
        assertTrue(scanned >= 15, "only " + scanned + " classes under " + classes);
        assertTrue(hits.isEmpty(), String.join("\n", hits));
    }
}
