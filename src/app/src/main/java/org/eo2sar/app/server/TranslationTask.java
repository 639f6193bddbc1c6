package org.eo2sar.app.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eo2sar.app.CoreBridge;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Progress;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.TranslationLimits;

/** One job's work: fetch an allow-listed remote input if needed, then translate into the job folder. */
final class TranslationTask implements JobManager.Task {
    private final OnnxGenerator generator;
    private final InputResolver.Resolved input;
    private final ExecuteRequest request;
    private final long maxDownloadBytes;
    private final TranslationLimits limits;

    TranslationTask(OnnxGenerator generator, InputResolver.Resolved input, ExecuteRequest request,
                    long maxDownloadBytes, TranslationLimits limits) {
        this.generator = generator;
        this.input = input;
        this.request = request;
        this.maxDownloadBytes = maxDownloadBytes;
        this.limits = limits;
    }

    @Override
    public Job.Outcome run(Job job, Progress progress) throws IOException, InterruptedException {
        Path in;
        if (input instanceof InputResolver.RemoteUrl remote) {
            in = download(remote, job.dir().resolve("input.tif"), progress);
            checkPixels(in, request.href(), limits.maxPixels());
        } else {
            in = ((InputResolver.LocalFile) input).path();
        }
        // The core writes a temporary file next to this one and renames it when complete, and we
        // only link to it once the job is successful: no client ever sees a partial GeoTIFF.
        Path out = job.dir().resolve(Documents.RESULT_FILE);
        CoreBridge.Summary s = CoreBridge.translate(generator, in, out, request.params(), progress, limits);
        if (input instanceof InputResolver.RemoteUrl) {
            Files.deleteIfExists(in);
        }
        return new Job.Outcome(out, s.toJson());
    }

    /** Refuses inputs bigger than the configured pixel count before any work is queued. */
    static void checkPixels(Path raster, String href, long maxPixels) {
        long pixels = CoreBridge.pixelCount(raster);
        if (pixels > maxPixels) {
            throw ApiException.badRequest("input '" + href + "' has " + pixels + " pixels, more than this server's limit of "
                    + maxPixels);
        }
    }

    /**
     * Downloads an allow-listed input into the job folder. A watchdog closes the body when no byte came
     * for the read deadline or the job was dismissed, so neither a stalled upstream nor DELETE leaves
     * the worker blocked in a read.
     */
    private Path download(InputResolver.RemoteUrl remote, Path target, Progress progress) throws IOException, InterruptedException {
        Duration deadline = limits.readTimeout();
        // No redirects: a redirect could lead outside the allow-listed prefixes.
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(remote.uri()).timeout(deadline).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        AtomicReference<String> stopped = new AtomicReference<>();
        ScheduledExecutorService watchdog = watchdog();
        try (InputStream body = r.body()) {
            watchdog.scheduleWithFixedDelay(() -> {
                String why = progress.isCancelled() ? "the job was dismissed"
                        : System.nanoTime() - lastByte.get() > deadline.toNanos()
                        ? "no data for " + deadline.toSeconds() + " s (--read-timeout)" : null;
                if (why != null && stopped.compareAndSet(null, why)) {
                    try {
                        body.close(); // unblocks the read below
                    } catch (IOException ignored) {
                        // closing is all we can do
                    }
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
            if (r.statusCode() != 200) {
                throw new Eo2SarException(Eo2SarException.Kind.INVALID_INPUT,
                        "input " + remote.uri() + " answered HTTP " + r.statusCode());
            }
            try (OutputStream out = Files.newOutputStream(target)) {
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                int n;
                while ((n = body.read(buf)) > 0) {
                    lastByte.set(System.nanoTime());
                    total += n;
                    if (total > maxDownloadBytes) {
                        throw new Eo2SarException(Eo2SarException.Kind.INVALID_INPUT,
                                "input " + remote.uri() + " is larger than the download limit of " + maxDownloadBytes + " bytes");
                    }
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            String why = stopped.get();
            if (why == null) {
                throw e;
            }
            throw stopped(remote, why, progress, e);
        } finally {
            watchdog.shutdownNow();
        }
        if (stopped.get() != null) { // closed between the last read and here: the file may be short
            throw stopped(remote, stopped.get(), progress, null);
        }
        return target;
    }

    /** What a download the watchdog stopped fails with: cancelled when dismissed, else the input's fault. */
    private static Eo2SarException stopped(InputResolver.RemoteUrl remote, String why, Progress progress, IOException cause) {
        return progress.isCancelled() ? new Eo2SarException(Eo2SarException.Kind.CANCELLED, "cancelled while downloading")
                : new Eo2SarException(Eo2SarException.Kind.INVALID_INPUT, "input " + remote.uri() + ": " + why, cause);
    }

    private static ScheduledExecutorService watchdog() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "eo2sar-download-watchdog");
            t.setDaemon(true);
            return t;
        });
    }
}
