package org.eo2sar.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.eo2sar.app.server.OgcApiServer;
import org.eo2sar.app.server.ServerConfig;
import org.eo2sar.core.Eo2SarException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eo2sar serve}: the OGC API – Processes server, until Ctrl-C / SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve every model in --models-dir as an OGC API - Processes process (see docs/server.md).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 = any free port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (the server has no authentication).")
    String bind;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "Directory input rasters may be read from (repeatable).")
    List<Path> dataDirs = new ArrayList<>();

    @Option(names = "--models-dir", required = true, paramLabel = "DIR", description = "Directory of *.onnx models, one process each.")
    Path modelsDir;

    @Option(names = "--work-dir", required = true, paramLabel = "DIR", description = "Where job folders and results are kept.")
    Path workDir;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N or auto. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--cuda-option", paramLabel = "KEY=VALUE", description = "ONNX Runtime CUDA provider option (repeatable).")
    Map<String, String> cudaOptions = new LinkedHashMap<>();

    @Option(names = "--max-queue", defaultValue = "8", description = "Jobs that may wait; more are refused with 429. Default: ${DEFAULT-VALUE}.")
    int maxQueue;

    @Option(names = "--workers", defaultValue = "1",
            description = "Jobs run at once (each uses every CPU core for its tiles). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--job-ttl", defaultValue = "24h", converter = Durations.class, paramLabel = "DURATION",
            description = "Finished jobs and their outputs are deleted after this (e.g. 90m, 24h, 7d). Default: ${DEFAULT-VALUE}.")
    Duration jobTtl;

    @Option(names = "--max-pixels", defaultValue = "100000000",
            description = "Largest input accepted, in pixels (width x height). Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Option(names = "--max-memory", paramLabel = "MiB", description = "Refuse a translation whose tile buffers "
            + "(all workers of one job) would need more than this (400). Default: 2048.")
    Long maxMemoryMib;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", description = "Fail a job whose input pixel read, or a wait "
            + "for bytes of a remote input, takes longer than this. Default: 60.")
    Integer readTimeoutSeconds;

    @Option(names = "--max-body", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest request body accepted. Default: ${DEFAULT-VALUE}.")
    long maxBody;

    @Option(names = "--allow-url-prefix", paramLabel = "URL",
            description = "Accept http(s) input URLs starting with this prefix (repeatable; end it with '/'). Default: none.")
    List<String> urlPrefixes = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        for (Path d : dataDirs) {
            requireDir(d, "--data-dir");
        }
        requireDir(modelsDir, "--models-dir");
        ServerConfig config; // validated before anything is created on disk
        try {
            config = new ServerConfig(bind, port, dataDirs, modelsDir, workDir, device, cudaOptions, maxQueue, workers,
                    jobTtl, maxPixels, maxBody, urlPrefixes, ServerConfig.DEFAULT_MAX_DOWNLOAD_BYTES,
                    TranslateCommand.limits(null, maxMemoryMib, readTimeoutSeconds));
        } catch (IllegalArgumentException e) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT, e.getMessage(), e);
        }
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new Eo2SarException(Eo2SarException.Kind.IO, "--work-dir " + workDir + " cannot be created: " + e, e);
        }
        OgcApiServer server;
        try {
            server = OgcApiServer.start(config);
        } catch (IOException e) {
            throw new Eo2SarException(Eo2SarException.Kind.IO, "cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "eo2sar-serve-stop"));
        var out = spec.commandLine().getOut();
        out.println("eo2sar OGC API - Processes at " + server.baseUrl() + "/ (processes: "
                + String.join(", ", server.models().names()) + "); Ctrl-C stops");
        out.flush();
        stopped.await();
        return ExitCode.OK;
    }

    private static void requireDir(Path d, String option) {
        if (!Files.isDirectory(d)) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT, option + " " + d + " is not a directory");
        }
    }
}
