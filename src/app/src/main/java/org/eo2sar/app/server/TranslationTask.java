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
import org.eo2sar.app.CoreBridge;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Progress;
import org.eo2sar.core.model.OnnxGenerator;

/** One job's work: fetch an allow-listed remote input if needed, then translate into the job folder. */
final class TranslationTask implements JobManager.Task {
    private final OnnxGenerator generator;
    private final InputResolver.Resolved input;
    private final ExecuteRequest request;
    private final long maxPixels;
    private final long maxDownloadBytes;

    TranslationTask(OnnxGenerator generator, InputResolver.Resolved input, ExecuteRequest request,
                    long maxPixels, long maxDownloadBytes) {
        this.generator = generator;
        this.input = input;
        this.request = request;
        this.maxPixels = maxPixels;
        this.maxDownloadBytes = maxDownloadBytes;
    }

    @Override
    public Job.Outcome run(Job job, Progress progress) throws IOException, InterruptedException {
        Path in;
        if (input instanceof InputResolver.RemoteUrl remote) {
            in = download(remote, job.dir().resolve("input.tif"));
            checkPixels(in, request.href(), maxPixels);
        } else {
            in = ((InputResolver.LocalFile) input).path();
        }
        // The core writes a temporary file next to this one and renames it when complete, and we
        // only link to it once the job is successful: no client ever sees a partial GeoTIFF.
        Path out = job.dir().resolve(Documents.RESULT_FILE);
        CoreBridge.Summary s = CoreBridge.translate(generator, in, out, request.params(), progress);
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

    private Path download(InputResolver.RemoteUrl remote, Path target) throws IOException, InterruptedException {
        // No redirects: a redirect could lead outside the allow-listed prefixes.
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(remote.uri()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) {
                throw new Eo2SarException(Eo2SarException.Kind.INVALID_INPUT,
                        "input " + remote.uri() + " answered HTTP " + r.statusCode());
            }
            try (OutputStream out = Files.newOutputStream(target)) {
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                int n;
                while ((n = body.read(buf)) > 0) {
                    total += n;
                    if (total > maxDownloadBytes) {
                        throw new Eo2SarException(Eo2SarException.Kind.INVALID_INPUT,
                                "input " + remote.uri() + " is larger than the download limit of " + maxDownloadBytes + " bytes");
                    }
                    out.write(buf, 0, n);
                }
            }
        }
        return target;
    }
}
