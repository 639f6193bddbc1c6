package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.eo2sar.core.Eo2SarException;
import org.junit.jupiter.api.Test;

/** Where the extension finds its models and limits: system property, then environment, then the data directory. */
class PluginSettingsTest {
    static final Path DATA_DIR = Path.of("gs-data");

    static PluginSettings resolve(Map<String, String> props, Map<String, String> env) {
        return PluginSettings.resolve(DATA_DIR, props::get, env::get);
    }

    @Test
    void defaultsComeFromTheDataDirectory() {
        PluginSettings s = resolve(Map.of(), Map.of());
        assertEquals(DATA_DIR.resolve("eo2sar").resolve("models"), s.modelsDir());
        assertEquals("cpu", s.defaultDevice());
        assertEquals(2, s.maxConcurrent());
        assertEquals(4.0, s.maxCoarsening());
    }

    @Test
    void systemPropertiesBeatEnvironmentVariables() {
        Map<String, String> env = Map.of("EO2SAR_MODELS_DIR", "/env/models", "EO2SAR_GEOSERVER_MAXCONCURRENT", "3");
        PluginSettings fromEnv = resolve(Map.of(), env);
        assertEquals(Path.of("/env/models"), fromEnv.modelsDir());
        assertEquals(3, fromEnv.maxConcurrent());
        PluginSettings fromProps = resolve(Map.of("eo2sar.models.dir", "/prop/models",
                "eo2sar.geoserver.maxConcurrent", "5", "eo2sar.geoserver.device", "cuda:1"), env);
        assertEquals(Path.of("/prop/models"), fromProps.modelsDir());
        assertEquals(5, fromProps.maxConcurrent());
        assertEquals("cuda:1", fromProps.defaultDevice());
    }

    @Test
    void badValuesNameTheSetting() {
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> resolve(Map.of("eo2sar.geoserver.maxPixels", "lots"), Map.of()));
        assertEquals("setting eo2sar.geoserver.maxPixels is not a number: 'lots'", e.getMessage());
        e = assertThrows(Eo2SarException.class,
                () -> resolve(Map.of("eo2sar.geoserver.maxConcurrent", "0"), Map.of()));
        assertTrue(e.getMessage().contains("eo2sar.geoserver.maxConcurrent"), e.getMessage());
        e = assertThrows(Eo2SarException.class, () -> PluginSettings.resolve(null, k -> null, k -> null));
        assertTrue(e.getMessage().contains("EO2SAR_MODELS_DIR"), e.getMessage());
    }
}
