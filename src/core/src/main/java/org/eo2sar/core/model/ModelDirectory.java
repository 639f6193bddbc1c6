package org.eo2sar.core.model;

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

/**
 * The models of one folder, as servers offer them: every {@code *.onnx} file whose stem is a plain
 * name (never a path), listed afresh on each call so models dropped in appear without a restart.
 * Each (model, device) pair is opened once, on first use, and its ONNX session shared by all
 * callers (session runs are thread-safe; opening one is costly); all are closed together.
 */
public final class ModelDirectory implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelDirectory.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String SUFFIX = ".onnx";

    private final Path dir;
    private final Map<String, OnnxGenerator> open = new LinkedHashMap<>();
    private boolean closed;

    public ModelDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** Model names (file stems), sorted; empty when the folder does not exist. */
    public List<String> names() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String stem = f.getFileName().toString();
                stem = stem.substring(0, stem.length() - SUFFIX.length());
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

    public boolean contains(String name) {
        return name != null && NAME.matcher(name).matches() && Files.isRegularFile(file(name));
    }

    /**
     * The shared generator of {@code name} on {@code device}, opened on first use.
     *
     * @throws Eo2SarException INVALID_ARGUMENT for an unknown model (the message lists the known
     *                         ones), INVALID_MODEL for an unusable file, DEVICE_UNAVAILABLE when
     *                         the device cannot be used
     */
    public synchronized OnnxGenerator generator(String name, DeviceSpec device) {
        if (closed) {
            throw new IllegalStateException("model directory " + dir + " is closed");
        }
        if (!contains(name)) {
            List<String> names = names();
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "unknown model '" + name + "'; available in " + dir + ": "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
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
        return dir.resolve(name + SUFFIX);
    }

    /** Closes every session (all of them, even if one fails: the first failure is thrown); later calls fail. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (OnnxGenerator g : open.values()) {
            try {
                g.close();
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
