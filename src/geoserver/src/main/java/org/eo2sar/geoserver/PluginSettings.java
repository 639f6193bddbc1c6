package org.eo2sar.geoserver;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;

/**
 * Configuration of the GeoServer extension, from Java system properties first, then environment
 * variables, then defaults (see docs/geoserver.md).
 *
 * @param modelsDir         folder of {@code *.onnx} generators; default {@code <data dir>/eo2sar/models}
 * @param defaultDevice     device used when a request names none ({@code cpu}, {@code cuda:N}, {@code auto})
 * @param maxConcurrent     translations running at once; further requests wait
 * @param queueTimeoutSeconds how long a request waits for a free slot before failing
 * @param maxPixels         largest input (width × height) one request may translate
 * @param maxCoarsening     rendering transformation: largest allowed ratio of the view's pixel size to the
 *                          data's native pixel size
 * @param renderTimeoutSeconds rendering transformation: a map tile's translation stops after this long (a WMS
 *                          request cannot cancel it any other way); 0 = no limit; fractions allowed
 */
public record PluginSettings(Path modelsDir, String defaultDevice, int maxConcurrent, int queueTimeoutSeconds,
                             long maxPixels, double maxCoarsening, double renderTimeoutSeconds) {

    public static final String MODELS_DIR = "eo2sar.models.dir";
    public static final String DEVICE = "eo2sar.geoserver.device";
    public static final String MAX_CONCURRENT = "eo2sar.geoserver.maxConcurrent";
    public static final String QUEUE_TIMEOUT = "eo2sar.geoserver.queueTimeoutSeconds";
    public static final String MAX_PIXELS = "eo2sar.geoserver.maxPixels";
    public static final String MAX_COARSENING = "eo2sar.geoserver.maxCoarsening";
    public static final String RENDER_TIMEOUT = "eo2sar.geoserver.renderTimeoutSeconds";

    public PluginSettings {
        if (modelsDir == null) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "no model directory: set -D" + MODELS_DIR
                    + " or " + envName(MODELS_DIR) + ", or run inside GeoServer (data directory)");
        }
        check(maxConcurrent >= 1, MAX_CONCURRENT, maxConcurrent);
        check(queueTimeoutSeconds >= 0, QUEUE_TIMEOUT, queueTimeoutSeconds);
        check(maxPixels >= 1, MAX_PIXELS, maxPixels);
        check(maxCoarsening >= 1, MAX_COARSENING, maxCoarsening);
        check(renderTimeoutSeconds >= 0, RENDER_TIMEOUT, renderTimeoutSeconds);
    }

    /** Settings for a GeoServer whose data directory is {@code dataDir} (may be null outside GeoServer). */
    public static PluginSettings fromEnvironment(Path dataDir) {
        return resolve(dataDir, System::getProperty, System::getenv);
    }

    /** Reads each key from {@code properties} (e.g. {@code eo2sar.models.dir}), then {@code env} ({@code EO2SAR_MODELS_DIR}). */
    static PluginSettings resolve(Path dataDir, UnaryOperator<String> properties, UnaryOperator<String> env) {
        UnaryOperator<String> get = key -> {
            String v = properties.apply(key);
            if (v == null || v.isBlank()) {
                v = env.apply(envName(key));
            }
            return v == null || v.isBlank() ? null : v.trim();
        };
        String dir = get.apply(MODELS_DIR);
        Path models = dir != null ? Path.of(dir) : dataDir == null ? null : dataDir.resolve("eo2sar").resolve("models");
        return new PluginSettings(models,
                orDefault(get.apply(DEVICE), "cpu"),
                (int) number(get, MAX_CONCURRENT, 2),
                (int) number(get, QUEUE_TIMEOUT, 300),
                (long) number(get, MAX_PIXELS, 64_000_000),
                number(get, MAX_COARSENING, 4),
                number(get, RENDER_TIMEOUT, 60));
    }

    /** {@code eo2sar.geoserver.maxPixels} → {@code EO2SAR_GEOSERVER_MAXPIXELS}. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static double number(UnaryOperator<String> get, String key, double dflt) {
        String v = get.apply(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "setting " + key + " is not a number: '" + v + "'");
        }
    }

    private static String orDefault(String v, String dflt) {
        return v == null ? dflt : v;
    }

    private static void check(boolean ok, String key, Object value) {
        if (!ok) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "setting " + key + " is out of range: " + value);
        }
    }
}
