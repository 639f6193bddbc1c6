package org.eo2sar.app.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;

/**
 * The models a server offers: one process per {@code *.onnx} file in the models directory, its id
 * the file name without extension. Each model gets one {@link OnnxGenerator}, opened on first use
 * (an ONNX session is costly and many models may never be called), shared by all jobs, closed
 * with the registry.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Map<String, Path> models;
    private final DeviceSpec device;
    private final Map<String, OnnxGenerator> open = new LinkedHashMap<>();
    private boolean closed;

    public ModelRegistry(Path modelsDir, DeviceSpec device) {
        this.device = device;
        Map<String, Path> found = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(modelsDir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".onnx") && Files.isRegularFile(p))
                    .sorted()
                    .forEach(p -> {
                        String name = p.getFileName().toString();
                        String id = name.substring(0, name.length() - ".onnx".length());
                        if (ID.matcher(id).matches()) {
                            found.put(id, p);
                        }
                    });
        } catch (IOException e) {
            throw new Eo2SarException(Eo2SarException.Kind.IO, "cannot list models directory " + modelsDir + ": " + e.getMessage(), e);
        }
        this.models = Collections.unmodifiableMap(found);
    }

    public List<String> ids() {
        return new ArrayList<>(models.keySet());
    }

    public boolean contains(String id) {
        return models.containsKey(id);
    }

    /** The shared generator for a model, opened the first time it is asked for. */
    public synchronized OnnxGenerator generator(String id) {
        if (closed) {
            throw new IllegalStateException("model registry is closed");
        }
        Path path = models.get(id);
        if (path == null) {
            throw ApiException.noSuchProcess(id);
        }
        OnnxGenerator g = open.get(id);
        if (g == null) {
            g = OnnxGenerator.open(path, device);
            open.put(id, g);
        }
        return g;
    }

    @Override
    public synchronized void close() {
        closed = true;
        RuntimeException first = null;
        for (OnnxGenerator g : open.values()) {
            try {
                g.close(); // keep closing the others if one fails
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
