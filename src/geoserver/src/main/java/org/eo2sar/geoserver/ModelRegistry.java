package org.eo2sar.geoserver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.geoserver.platform.GeoServerResourceLoader;

/**
 * The generators of one GeoServer: models are the {@code *.onnx} files of the model directory,
 * named by file name without extension. Each (model, device) pair is opened once, on first use,
 * and its ONNX session is shared by all requests (session runs are thread-safe). A Spring bean
 * whose {@code destroy-method} is {@link #close()}, so sessions go when the context closes.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelRegistry.class.getName());
    // a name is a file stem inside the model folder, never a path
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** One model file: its generator on the CPU (for listing), or why it could not be opened. */
    public record Entry(String name, Path file, OnnxGenerator generator, String error) {
    }

    private final PluginSettings settings;
    private final TranslationGate gate;
    private final Map<String, OnnxGenerator> open = new LinkedHashMap<>();
    private boolean closed;

    /** Used by Spring with GeoServer's {@code resourceLoader} bean (the data directory). */
    public ModelRegistry(GeoServerResourceLoader loader) {
        this(PluginSettings.fromEnvironment(loader.getBaseDirectory() == null ? null : loader.getBaseDirectory().toPath()));
    }

    public ModelRegistry(PluginSettings settings) {
        this.settings = settings;
        this.gate = new TranslationGate(settings.maxConcurrent(), settings.queueTimeoutSeconds());
        LOG.log(System.Logger.Level.INFO, "eo2sar: models from " + settings.modelsDir() + ", at most "
                + settings.maxConcurrent() + " concurrent translations, default device " + settings.defaultDevice());
    }

    public PluginSettings settings() {
        return settings;
    }

    /** Bounds how many translations run at once across all processes of this GeoServer. */
    public TranslationGate gate() {
        return gate;
    }

    /** Model names available now (file stems of {@code *.onnx}), sorted. */
    public List<String> names() {
        Path dir = settings.modelsDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.onnx")) {
            for (Path f : files) {
                String stem = f.getFileName().toString();
                stem = stem.substring(0, stem.length() - ".onnx".length());
                if (NAME.matcher(stem).matches() && Files.isRegularFile(f)) {
                    names.add(stem);
                }
            }
        } catch (IOException e) {
            throw new Eo2SarException(Kind.IO, "cannot list model directory " + dir + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    /** Every model with its card (opened on the CPU), or the reason it cannot be used. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (String name : names()) {
            Path file = file(name);
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
    public synchronized OnnxGenerator generator(String name, DeviceSpec device) {
        if (closed) {
            throw new IllegalStateException("eo2sar model registry is closed");
        }
        if (name == null || !NAME.matcher(name).matches() || !Files.isRegularFile(file(name))) {
            List<String> names = names();
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "unknown model '" + name + "'; available in "
                    + settings.modelsDir() + ": " + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        String key = name + "@" + device;
        OnnxGenerator g = open.get(key);
        if (g == null) {
            g = OnnxGenerator.open(file(name), device);
            open.put(key, g);
            LOG.log(System.Logger.Level.INFO, "eo2sar: opened model " + name + " on " + g.deviceDescription());
        }
        return g;
    }

    /** Number of open ONNX sessions (for tests and monitoring). */
    public synchronized int openSessions() {
        return open.size();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private Path file(String name) {
        return settings.modelsDir().resolve(name + ".onnx");
    }

    /** Closes every session; later requests fail. Called by Spring when GeoServer's context closes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Map.Entry<String, OnnxGenerator> e : open.entrySet()) {
            try {
                e.getValue().close();
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "eo2sar: closing model " + e.getKey() + ": " + ex.getMessage());
            }
        }
        open.clear();
    }
}
