package org.eo2sar.geoserver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.ModelDirectory;
import org.eo2sar.core.model.OnnxGenerator;
import org.geoserver.platform.GeoServerResourceLoader;

/**
 * The generators of one GeoServer: the core's {@link ModelDirectory} over the plugin's model
 * folder (models = {@code *.onnx} files, each (model, device) opened once and shared), plus the
 * plugin's settings and its concurrency gate. A Spring bean whose {@code destroy-method} is
 * {@link #close()}, so sessions go when the context closes.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelRegistry.class.getName());

    /** One model file: its generator on the CPU (for listing), or why it could not be opened. */
    public record Entry(String name, Path file, OnnxGenerator generator, String error) {
    }

    private final PluginSettings settings;
    private final TranslationGate gate;
    private final ModelDirectory models;
    /** Why the settings are unusable (then every request fails with it), or null. */
    private final Eo2SarException misconfigured;

    /**
     * Used by Spring with GeoServer's {@code resourceLoader} bean (the data directory). An invalid
     * {@code eo2sar.*} setting must not stop GeoServer from starting: it is logged, and every eo2sar
     * request fails with it until the setting is fixed.
     */
    public static ModelRegistry fromGeoServer(GeoServerResourceLoader loader) {
        try {
            return new ModelRegistry(PluginSettings.fromEnvironment(
                    loader.getBaseDirectory() == null ? null : loader.getBaseDirectory().toPath()));
        } catch (Eo2SarException e) {
            LOG.log(System.Logger.Level.ERROR, "eo2sar: the extension is disabled until its settings are fixed: "
                    + e.getMessage());
            return new ModelRegistry(e);
        }
    }

    private ModelRegistry(Eo2SarException misconfigured) {
        this.settings = null;
        this.gate = null;
        this.models = null;
        this.misconfigured = misconfigured;
    }

    public ModelRegistry(PluginSettings settings) {
        this.misconfigured = null;
        this.settings = settings;
        this.gate = new TranslationGate(settings.maxConcurrent(), settings.queueTimeoutSeconds());
        this.models = new ModelDirectory(settings.modelsDir());
        LOG.log(System.Logger.Level.INFO, "eo2sar: models from " + settings.modelsDir() + ", at most "
                + settings.maxConcurrent() + " concurrent translations, default device " + settings.defaultDevice());
    }

    /** @throws Eo2SarException when the extension's settings are invalid (see {@link #fromGeoServer}) */
    public PluginSettings settings() {
        checkConfigured();
        return settings;
    }

    /** Bounds how many translations run at once across all processes of this GeoServer. */
    public TranslationGate gate() {
        checkConfigured();
        return gate;
    }

    /** Model names available now (file stems of {@code *.onnx}), sorted. */
    public List<String> names() {
        checkConfigured();
        return models.names();
    }

    private void checkConfigured() {
        if (misconfigured != null) {
            throw new Eo2SarException(misconfigured.kind(), "the eo2sar extension is disabled: "
                    + misconfigured.getMessage() + " (fix it and restart GeoServer)", misconfigured);
        }
    }

    /** Every model with its card (opened on the CPU), or the reason it cannot be used. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (String name : names()) {
            Path file = models.dir().resolve(name + ".onnx");
            try {
                out.add(new Entry(name, file, generator(name, DeviceSpec.CPU), null));
            } catch (Eo2SarException e) {
                out.add(new Entry(name, file, null, e.getMessage()));
            }
        }
        return out;
    }

    /**
     * The shared generator of {@code name} on {@code device}, opened on first use.
     *
     * @throws Eo2SarException INVALID_ARGUMENT for an unknown model, INVALID_MODEL for an unusable
     *                         file, DEVICE_UNAVAILABLE when the device cannot be used
     */
    public OnnxGenerator generator(String name, DeviceSpec device) {
        checkConfigured();
        return models.generator(name, device);
    }

    /** Number of open ONNX sessions (for tests and monitoring). */
    public int openSessions() {
        return models == null ? 0 : models.openSessions();
    }

    public boolean isClosed() {
        return models == null || models.isClosed();
    }

    /** Closes every session; later requests fail. Called by Spring when GeoServer's context closes. */
    @Override
    public void close() {
        if (models == null) {
            return;
        }
        try {
            models.close();
        } catch (RuntimeException e) { // shutdown goes on: log, do not fail the context's close
            LOG.log(System.Logger.Level.WARNING, "eo2sar: closing models: " + e.getMessage());
        }
    }
}
