package org.eo2sar.core.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;

/**
 * One ONNX generator: one {@link OrtSession} (shared by all threads; {@code OrtSession.run} is
 * thread-safe), its validated {@link ModelCard} and the device it runs on. Input is float32 NCHW
 * with C = card input bands; output float32 NCHW with C = card output bands and the input's H×W.
 * {@link #close()} is safe while other threads are inside {@link #run}: it asks the runs in flight
 * to terminate and waits for them before freeing the native session (freeing it under a running
 * thread crashed the JVM in libonnxruntime.so); runs after close are refused with CANCELLED.
 */
public final class OnnxGenerator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OnnxGenerator.class.getName());

    private final Path path;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelCard card;
    private final String inputName;
    private final String outputName;
    private final long[] inputShape;
    private final boolean cuda;
    private final int intraOpThreads;
    private final String deviceDescription;
    /** Guards {@link #closed} and {@link #active}: the run options of every run in flight. */
    private final Object runLock = new Object();
    private final Set<OrtSession.RunOptions> active = new HashSet<>();
    private boolean closed;
    /** SHA-256 of the model file, computed on first use (output provenance). */
    private volatile String sha256;

    private OnnxGenerator(Path path, OrtEnvironment env, OrtSession session, ModelCard card, String inputName,
                          String outputName, long[] inputShape, boolean cuda, int intraOpThreads, String device) {
        this.path = path;
        this.env = env;
        this.session = session;
        this.card = card;
        this.inputName = inputName;
        this.outputName = outputName;
        this.inputShape = inputShape;
        this.cuda = cuda;
        this.intraOpThreads = intraOpThreads;
        this.deviceDescription = device;
    }

    /**
     * Opens a model with one intra-op thread per run: the pipeline runs one batch per CPU core
     * in parallel, so each {@code run} stays on its calling thread instead of fighting over a pool.
     */
    public static OnnxGenerator open(Path model, DeviceSpec device) {
        return open(model, device, 1);
    }

    /**
     * Opens a model.
     *
     * @param intraOpThreads threads ONNX Runtime uses inside one run; 0 = its default (all cores)
     * @throws Eo2SarException IO (no file), INVALID_MODEL (not ONNX, no/invalid card, wrong shapes),
     *                         DEVICE_UNAVAILABLE (CUDA requested but not usable)
     */
    public static OnnxGenerator open(Path model, DeviceSpec device, int intraOpThreads) {
        if (!Files.isRegularFile(model)) {
            throw new Eo2SarException(Kind.IO, "model " + model + " does not exist or is not a file");
        }
        if (intraOpThreads < 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "intra-op threads must be >= 0, got " + intraOpThreads);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean useCuda = device.wantsCuda() && cudaProviderPresent();
        OrtSession session;
        String desc;
        boolean onCuda = false; // false also when "auto" fell back to the CPU
        if (useCuda) {
            try {
                session = createSession(env, model, device, true, intraOpThreads);
                onCuda = true;
                desc = "cuda:" + device.deviceId() + " (CUDA execution provider" + (device.cudaOptions().isEmpty()
                        ? "" : ", options " + device.cudaOptions()) + ")";
            } catch (OrtException | RuntimeException e) {
                if (e instanceof Eo2SarException ee) {
                    throw ee;
                }
                String why = "the CUDA execution provider could not start on cuda:" + device.deviceId() + " ("
                        + oneLine(e.getMessage()) + "); it needs an NVIDIA driver, the CUDA 12.x runtime "
                        + "(libcudart.so.12, libcublas.so.12, libcublasLt.so.12) and cuDNN 9 on the library path";
                if (device.type() == DeviceSpec.Type.CUDA) {
                    throw new Eo2SarException(Kind.DEVICE_UNAVAILABLE, why, e);
                }
                LOG.log(System.Logger.Level.INFO, "device auto: " + why + "; using CPU");
                session = cpuSession(env, model, intraOpThreads);
                desc = cpuDescription(intraOpThreads);
            }
        } else {
            if (device.type() == DeviceSpec.Type.CUDA) {
                throw new Eo2SarException(Kind.DEVICE_UNAVAILABLE, noCudaProviderMessage(device));
            }
            if (device.type() == DeviceSpec.Type.AUTO) {
                LOG.log(System.Logger.Level.INFO, "device auto: no CUDA execution provider in this onnxruntime jar; using CPU");
            }
            session = cpuSession(env, model, intraOpThreads);
            desc = cpuDescription(intraOpThreads);
        }
        try {
            return validated(model, env, session, onCuda, intraOpThreads, desc);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static boolean cudaProviderPresent() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    private static String noCudaProviderMessage(DeviceSpec device) {
        return "device " + device + " requested but this build's onnxruntime jar has no CUDA execution provider "
                + "(available: " + OrtEnvironment.getAvailableProviders() + "); rebuild with the Maven profile "
                + "-Pgpu (onnxruntime_gpu, needs CUDA 12.x + cuDNN 9) or use --device cpu";
    }

    private static String cpuDescription(int threads) {
        return "cpu (" + (threads == 0 ? "default" : Integer.toString(threads)) + " intra-op thread"
                + (threads == 1 ? "" : "s") + " per run)";
    }

    private static OrtSession cpuSession(OrtEnvironment env, Path model, int threads) {
        try {
            return createSession(env, model, DeviceSpec.CPU, false, threads);
        } catch (OrtException e) {
            throw new Eo2SarException(Kind.INVALID_MODEL,
                    "model " + model + " is not a loadable ONNX file: " + oneLine(e.getMessage()), e);
        }
    }

    private static OrtSession createSession(OrtEnvironment env, Path model, DeviceSpec device, boolean cuda,
                                            int threads) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                so.setIntraOpNumThreads(threads);
            }
            so.setInterOpNumThreads(1);
            if (cuda) {
                try (OrtCUDAProviderOptions cu = new OrtCUDAProviderOptions(device.deviceId())) {
                    for (Map.Entry<String, String> e : device.cudaOptions().entrySet()) {
                        cu.add(e.getKey(), e.getValue());
                    }
                    so.addCUDA(cu);
                }
            } else {
                // The memory pattern gives each concurrent run one block planned for all its intermediate
                // tensors; without it the arena shares freed tensors between the runs: peak RSS 0.85 instead
                // of 1.4 GB for eo2sar-rgb with two workers at 2048^2, same speed (docs/benchmarks.md)
                so.setMemoryPatternOptimization(false);
            }
            return env.createSession(model.toString(), so);
        }
    }

    private static OnnxGenerator validated(Path model, OrtEnvironment env, OrtSession session, boolean cuda,
                                           int threads, String desc) {
        try {
            Map<String, String> md = session.getMetadata().getCustomMetadata();
            if (!ModelCard.present(md)) {
                throw new Eo2SarException(Kind.INVALID_MODEL,
                        "model " + model + " has no eo2sar model card (metadata_props eo2sar.*)");
            }
            ModelCard card;
            try {
                card = ModelCard.parse(md);
            } catch (Eo2SarException e) {
                throw new Eo2SarException(Kind.INVALID_MODEL, "model " + model + ": " + e.getMessage(), e);
            }
            Map<String, NodeInfo> ins = session.getInputInfo();
            Map<String, NodeInfo> outs = session.getOutputInfo();
            if (ins.size() != 1 || outs.size() != 1) {
                throw new Eo2SarException(Kind.INVALID_MODEL, "model " + model + " has " + ins.size() + " inputs and "
                        + outs.size() + " outputs; an eo2sar generator has exactly one of each");
            }
            NodeInfo in = ins.values().iterator().next();
            NodeInfo out = outs.values().iterator().next();
            long[] inShape = checkTensor(model, "input", in, card.inputBands().size(), "eo2sar.input.bands");
            long[] outShape = checkTensor(model, "output", out, card.outputBands().size(), "eo2sar.output.bands");
            for (int d = 2; d < 4; d++) {
                if (inShape[d] > 0 && outShape[d] > 0 && inShape[d] != outShape[d]) {
                    throw new Eo2SarException(Kind.INVALID_MODEL, "model " + model + " output shape "
                            + Arrays.toString(outShape) + " does not keep the input size " + Arrays.toString(inShape));
                }
            }
            return new OnnxGenerator(model, env, session, card, in.getName(), out.getName(), inShape, cuda, threads, desc);
        } catch (OrtException e) {
            throw new Eo2SarException(Kind.INVALID_MODEL, "model " + model + ": " + oneLine(e.getMessage()), e);
        }
    }

    private static long[] checkTensor(Path model, String what, NodeInfo node, int channels, String key) {
        if (!(node.getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
            throw new Eo2SarException(Kind.INVALID_MODEL, "model " + model + " " + what + " '" + node.getName()
                    + "' is not a float32 tensor (" + node.getInfo() + ")");
        }
        long[] shape = ti.getShape();
        if (shape.length != 4) {
            throw new Eo2SarException(Kind.INVALID_MODEL, "model " + model + " " + what + " '" + node.getName()
                    + "' has shape " + Arrays.toString(shape) + ", expected 4-D NCHW");
        }
        if (shape[1] > 0 && shape[1] != channels) {
            throw new Eo2SarException(Kind.INVALID_MODEL, "model " + model + " " + what + " '" + node.getName()
                    + "' has " + shape[1] + " channels but the model card's " + key + " lists " + channels);
        }
        return shape;
    }

    /**
     * Runs the generator on {@code batch} tiles of {@code height×width}. ONNX Runtime reads the
     * direct buffer {@code input} (N·C_in·H·W floats from its position) in place and writes
     * straight into {@code output} (N·C_out·H·W floats), so no array is allocated per call.
     *
     * @return nanoseconds spent inside {@code OrtSession.run}
     */
    public long run(FloatBuffer input, int batch, int height, int width, FloatBuffer output) {
        int cin = card.inputBands().size();
        int cout = card.outputBands().size();
        long inCount = (long) batch * cin * height * width;
        long outCount = (long) batch * cout * height * width;
        if (!input.isDirect() || !output.isDirect() || input.remaining() < inCount || output.remaining() < outCount) {
            throw new IllegalArgumentException("run needs direct buffers with " + inCount + " / " + outCount
                    + " floats remaining, got " + input.remaining() + " / " + output.remaining());
        }
        FloatBuffer in = input.slice().limit((int) inCount);
        FloatBuffer out = output.slice().limit((int) outCount);
        OrtSession.RunOptions options = enter();
        try (OnnxTensor tIn = OnnxTensor.createTensor(env, in, new long[] {batch, cin, height, width});
             OnnxTensor tOut = OnnxTensor.createTensor(env, out, new long[] {batch, cout, height, width})) {
            long t0 = System.nanoTime();
            try (OrtSession.Result r = session.run(Map.of(inputName, tIn), Collections.emptySet(),
                    Map.of(outputName, tOut), options)) {
                return System.nanoTime() - t0;
            }
        } catch (OrtException e) {
            if (isClosing()) {
                throw new Eo2SarException(Kind.CANCELLED, "model " + path + " was closed during a run", e);
            }
            throw new Eo2SarException(Kind.INVALID_MODEL, "model " + path + " failed on a " + batch + "x" + cin + "x"
                    + height + "x" + width + " batch: " + oneLine(e.getMessage()), e);
        } finally {
            leave(options);
        }
    }

    /** Registers a run; refused once closing has begun. */
    private OrtSession.RunOptions enter() {
        synchronized (runLock) {
            if (closed) {
                throw new Eo2SarException(Kind.CANCELLED, "model " + path + " is closed");
            }
            try {
                OrtSession.RunOptions o = new OrtSession.RunOptions();
                active.add(o);
                return o;
            } catch (OrtException e) {
                throw new Eo2SarException(Kind.INVALID_MODEL, "model " + path + ": cannot create run options: "
                        + oneLine(e.getMessage()), e);
            }
        }
    }

    private void leave(OrtSession.RunOptions o) {
        synchronized (runLock) {
            active.remove(o);
            o.close();
            runLock.notifyAll();
        }
    }

    private boolean isClosing() {
        synchronized (runLock) {
            return closed;
        }
    }

    /** Runs currently inside {@code OrtSession.run} (for tests and diagnostics). */
    public int runsInFlight() {
        synchronized (runLock) {
            return active.size();
        }
    }

    public ModelCard card() {
        return card;
    }

    public Path path() {
        return path;
    }

    /** Hex SHA-256 of the model file, read once per generator (every translation's output records it). */
    public String sha256() {
        String h = sha256;
        if (h == null) {
            try (InputStream in = Files.newInputStream(path)) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    md.update(buf, 0, r);
                }
                h = HexFormat.of().formatHex(md.digest());
            } catch (IOException | NoSuchAlgorithmException e) {
                return "unknown (" + e.getMessage() + ")"; // not memoised: a later read may succeed
            }
            sha256 = h;
        }
        return h;
    }

    /** Human-readable device, e.g. {@code cpu (1 intra-op thread per run)} or {@code cuda:0 (...)}. */
    public String deviceDescription() {
        return deviceDescription;
    }

    /** True when the session runs on the CUDA execution provider. */
    public boolean isCuda() {
        return cuda;
    }

    /** Threads ONNX Runtime uses inside one run (0 = its default). */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** The model's fixed batch size, or -1 when dynamic. */
    public int fixedBatch() {
        return (int) inputShape[0];
    }

    /** The model's fixed input height, or -1 when dynamic. */
    public int fixedHeight() {
        return (int) inputShape[2];
    }

    /** The model's fixed input width, or -1 when dynamic. */
    public int fixedWidth() {
        return (int) inputShape[3];
    }

    public String inputName() {
        return inputName;
    }

    public String outputName() {
        return outputName;
    }

    /**
     * Terminates the runs in flight, waits until every one has left the session, then frees it.
     * Idempotent and thread-safe (shutdown hooks, servers and failing translations may all call it).
     */
    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (runLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (OrtSession.RunOptions o : active) {
                try {
                    o.setTerminate(true);
                } catch (OrtException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot stop a run of " + path + ": " + oneLine(e.getMessage()));
                }
            }
            // Never free the session while a thread is inside it, even when interrupted.
            while (!active.isEmpty()) {
                try {
                    runLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new Eo2SarException(Kind.IO, "closing model " + path + ": " + oneLine(e.getMessage()), e);
        }
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // already failing; the first error matters
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
