package org.eo2sar.app.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eo2sar.core.pipeline.TranslationLimits;

/**
 * Everything {@code eo2sar serve} is configured with.
 *
 * @param bind          address to listen on (loopback by default: no auth, so not for open networks)
 * @param port          0 = any free port
 * @param dataDirs      where input rasters may be read from
 * @param modelsDir     one process per {@code *.onnx} file in it
 * @param workDir       job folders with outputs live under {@code workDir/jobs}
 * @param device        device spec for every model ({@code cpu}, {@code cuda:N}, {@code auto})
 * @param cudaOptions   CUDA provider options passed through to the core
 * @param maxQueue      jobs that may wait for a worker; one more is answered 429
 * @param workers       jobs translated at once (each already uses every CPU core for its tiles)
 * @param jobTtl        finished jobs and their outputs are deleted this long after finishing
 * @param maxPixels     width × height above which an input is refused
 * @param maxBodyBytes  largest accepted request body
 * @param urlPrefixes   http(s) URL prefixes inputs may come from (empty = none)
 * @param maxDownloadBytes largest remote input downloaded
 * @param limits        the core's translation limits (memory estimate, read deadline, margin, ...); the
 *                      pixel limit is {@code maxPixels}; the read deadline also bounds each wait for
 *                      bytes of a remote input
 */
public record ServerConfig(String bind, int port, List<Path> dataDirs, Path modelsDir, Path workDir,
                           String device, Map<String, String> cudaOptions, int maxQueue, int workers,
                           Duration jobTtl, long maxPixels, long maxBodyBytes, List<String> urlPrefixes,
                           long maxDownloadBytes, TranslationLimits limits) {
    /** Largest remote input downloaded (2 GiB), as docs/server.md states. */
    public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 2L << 30;

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        dataDirs = List.copyOf(dataDirs);
        Objects.requireNonNull(modelsDir, "modelsDir");
        Objects.requireNonNull(workDir, "workDir");
        cudaOptions = Map.copyOf(cudaOptions);
        urlPrefixes = List.copyOf(urlPrefixes);
        if (dataDirs.isEmpty()) {
            throw new IllegalArgumentException("at least one data directory is needed (--data-dir)");
        }
        atLeast(maxQueue, 0, "--max-queue");
        atLeast(workers, 1, "--workers");
        atLeast(maxPixels, 1, "--max-pixels");
        limits = Objects.requireNonNull(limits, "limits").withMaxPixels(maxPixels);
        atLeast(maxBodyBytes, 1, "--max-body");
        if (jobTtl.isNegative() || jobTtl.isZero()) {
            throw new IllegalArgumentException("--job-ttl must be positive, got " + jobTtl);
        }
    }

    /** Defaults for everything but the directories. */
    public static ServerConfig of(List<Path> dataDirs, Path modelsDir, Path workDir) {
        return new ServerConfig("127.0.0.1", 0, dataDirs, modelsDir, workDir, "cpu", Map.of(), 8, 1,
                Duration.ofHours(24), 100_000_000L, 1L << 20, List.of(), DEFAULT_MAX_DOWNLOAD_BYTES, TranslationLimits.DEFAULTS);
    }

    public ServerConfig withQueue(int maxQueue, int workers) {
        return new ServerConfig(bind, port, dataDirs, modelsDir, workDir, device, cudaOptions, maxQueue, workers,
                jobTtl, maxPixels, maxBodyBytes, urlPrefixes, maxDownloadBytes, limits);
    }

    public ServerConfig withLimits(long maxPixels, long maxBodyBytes) {
        return new ServerConfig(bind, port, dataDirs, modelsDir, workDir, device, cudaOptions, maxQueue, workers,
                jobTtl, maxPixels, maxBodyBytes, urlPrefixes, maxDownloadBytes, limits);
    }

    public ServerConfig withTranslationLimits(TranslationLimits l) {
        return new ServerConfig(bind, port, dataDirs, modelsDir, workDir, device, cudaOptions, maxQueue, workers,
                jobTtl, maxPixels, maxBodyBytes, urlPrefixes, maxDownloadBytes, l);
    }

    public ServerConfig withUrlPrefixes(List<String> prefixes) {
        return new ServerConfig(bind, port, dataDirs, modelsDir, workDir, device, cudaOptions, maxQueue, workers,
                jobTtl, maxPixels, maxBodyBytes, prefixes, maxDownloadBytes, limits);
    }

    private static void atLeast(long value, long min, String option) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
    }
}
