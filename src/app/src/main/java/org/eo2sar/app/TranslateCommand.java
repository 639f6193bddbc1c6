package org.eo2sar.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.TranslationLimits;
import org.eo2sar.core.pipeline.TranslationOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eo2sar translate}: one GeoTIFF in, one SAR-like GeoTIFF out on the same grid. */
@Command(name = "translate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Translate an optical GeoTIFF into a SAR-like GeoTIFF on the same pixel grid.")
final class TranslateCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "ONNX generator with a model card.")
    Path model;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "IN", description = "Input GeoTIFF / BigTIFF / COG.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output GeoTIFF (written to a temporary file, then renamed).")
    Path output;

    @Option(names = "--bands", paramLabel = "B,B,B",
            description = "1-based input bands in the model's order, e.g. 3,2,1 (default: the first N).")
    String bands;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu",
            description = "cpu, cuda, cuda:N or auto (CUDA if usable, else CPU). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--cuda-option", paramLabel = "KEY=VALUE",
            description = "ONNX Runtime CUDA provider option, repeatable, e.g. cudnn_conv_algo_search=HEURISTIC, gpu_mem_limit=4294967296.")
    Map<String, String> cudaOptions = new LinkedHashMap<>();

    @Option(names = "--tile", paramLabel = "PX", description = "Core tile size (default: the model card's).")
    int tile;

    @Option(names = "--margin", paramLabel = "PX", description = "Context margin around each tile, a multiple of the "
            + "model's tile multiple; 0 = no margin (default: the model card's).")
    Integer margin;

    @Option(names = "--batch", paramLabel = "N", description = "Tiles per inference call (default: 1 on CPU, 4 on CUDA).")
    int batch;

    @Option(names = "--blend", description = "Feather-blend overlapping margins instead of cropping them.")
    boolean blend;

    @Option(names = "--output-type", paramLabel = "TYPE", defaultValue = "float32",
            description = "float32 (model unit, e.g. dB; nodata NaN) or uint8 (scaled for display; nodata 0). Default: ${DEFAULT-VALUE}.")
    String outputType;

    @Option(names = "--compress", paramLabel = "CODEC", defaultValue = "deflate",
            description = "Output block codec: deflate (read everywhere), zstd (faster and smaller; GDAL/QGIS read it, "
                    + "eo2sar does not) or none. Default: ${DEFAULT-VALUE}.")
    String compression;

    @Option(names = "--aoi", paramLabel = "WKT|GEOJSON|@FILE",
            description = "Only translate this polygon (WKT or GeoJSON, inline or @file); outside is nodata.")
    String aoi;

    @Option(names = "--aoi-crs", paramLabel = "CRS", description = "CRS of --aoi, e.g. EPSG:4326 (default: the raster's CRS).")
    String aoiCrs;

    @Option(names = "--threads", paramLabel = "N", description = "Tile batches translated in parallel (default: one per CPU core; 2 on CUDA).")
    int threads;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse inputs with more pixels (width x height) "
            + "than this (exit 2). Default: 2^31.")
    Long maxPixels;

    @Option(names = "--max-memory", paramLabel = "MIB", description = "Refuse tile/margin/batch/thread settings whose "
            + "tile buffers would need more than this many MiB (exit 2). Default: 2048.")
    Long maxMemoryMib;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", description = "Give up on an input whose pixel read "
            + "takes longer than this (exit 3). Default: 60.")
    Integer readTimeoutSeconds;

    @Spec
    CommandSpec spec;

    /** The core's defaults with what the user overrode. */
    TranslationLimits limits() {
        return limits(maxPixels, maxMemoryMib, readTimeoutSeconds);
    }

    /** The core's defaults with the given overrides (null = default); shared with {@code serve}. */
    static TranslationLimits limits(Long maxPixels, Long maxMemoryMib, Integer readTimeoutSeconds) {
        TranslationLimits l = TranslationLimits.DEFAULTS;
        if (maxPixels != null) {
            l = l.withMaxPixels(maxPixels);
        }
        if (maxMemoryMib != null) {
            if (maxMemoryMib > Long.MAX_VALUE >> 20) {
                throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT, "--max-memory " + maxMemoryMib + " MiB is absurd");
            }
            l = l.withMaxMemoryBytes(maxMemoryMib << 20);
        }
        if (readTimeoutSeconds != null) {
            l = l.withReadTimeout(java.time.Duration.ofSeconds(readTimeoutSeconds));
        }
        return l;
    }

    @Override
    public Integer call() throws IOException {
        TranslateParams params = new TranslateParams(bands == null ? null : TranslateParams.parseBands(bands), tile,
                margin == null ? TranslationOptions.DEFAULT_MARGIN : margin, batch, blend, outputType, readAoi(aoi), aoiCrs, threads,
                compression);
        TranslationLimits limits = limits(); // bad values fail here, before the model is opened
        DeviceSpec dev = DeviceSpec.parse(device).withCudaOptions(cudaOptions);
        var out = spec.commandLine().getOut();
        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), System.console() != null);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicReference<OnnxGenerator> open = new AtomicReference<>();
        // Ctrl-C / SIGTERM: ask the core to stop between tile batches and let it remove its
        // temporary file; if that takes too long, close the model (it stops and awaits the runs in
        // flight first), so the JVM never exits with a thread inside a freed ONNX session.
        Thread hook = new Thread(() -> {
            progress.cancel();
            try {
                if (!finished.await(10, TimeUnit.SECONDS) && open.get() != null) {
                    open.get().close();
                    finished.await(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "eo2sar-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        try (OnnxGenerator generator = OnnxGenerator.open(model, dev)) {
            open.set(generator);
            out.println("model " + generator.card().name() + " " + generator.card().version() + " on " + generator.deviceDescription());
            out.flush();
            Path createdDir = createParent(output);
            CoreBridge.Summary s;
            try {
                s = CoreBridge.translate(generator, input, output, params, progress, limits);
            } catch (RuntimeException e) {
                if (createdDir != null) {
                    try {
                        Files.deleteIfExists(createdDir); // succeeds only if still empty: we leave nothing behind
                    } catch (IOException notEmpty) {
                        e.addSuppressed(notEmpty);
                    }
                }
                throw e;
            }
            progress.finish();
            out.println("wrote " + s.output().toAbsolutePath());
            out.printf(Locale.ROOT, "%d x %d px, %s, %d tiles run, %d skipped, %.1f s (%.1f s inference)%n",
                    s.width(), s.height(), humanSize(s.output()), s.tilesRun(), s.tilesSkipped(),
                    s.wallMillis() / 1000.0, s.inferenceMillis() / 1000.0);
            out.flush();
            return ExitCode.OK;
        } finally {
            progress.finish();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
    }

    /** Creates a missing output folder (one level, as {@code out/x.tif} needs); returns it, or null if it existed. */
    private static Path createParent(Path output) throws IOException {
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || Files.isDirectory(dir) || dir.getParent() == null || !Files.isDirectory(dir.getParent())) {
            return null;
        }
        return Files.createDirectory(dir);
    }

    /** {@code @file} reads the polygon from a file (GeoJSON files are easier than quoting JSON on a shell). */
    static String readAoi(String aoi) {
        if (aoi == null || !aoi.startsWith("@")) {
            return aoi;
        }
        Path f = Path.of(aoi.substring(1));
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Eo2SarException(Eo2SarException.Kind.IO, "cannot read area of interest file " + f + ": " + e.getMessage(), e);
        }
    }

    private static String humanSize(Path p) {
        try {
            long n = Files.size(p);
            if (n >= 1L << 30) {
                return String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
            }
            if (n >= 1L << 20) {
                return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
            }
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        } catch (IOException e) {
            return "size unknown";
        }
    }
}
