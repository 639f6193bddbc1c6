package org.eo2sar.app.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eo2sar.app.TestPaths;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.RasterInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Executing the real tiny model through a real server: sync, async, results with ranges, cancel, queue. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OgcApiJobsTest {
    private static final String PROCESS = "tiny-tileinvariant";
    private static final String EXEC = "/processes/" + PROCESS + "/execution";

    @TempDir
    Path tmp;

    private ServerHarness server(int workers, int queue, ServerHooks hooks) throws Exception {
        return new ServerHarness(ServerHarness.config(List.of(TestPaths.rasters()), TestPaths.models(), tmp.resolve("work"))
                .withQueue(queue, workers), hooks);
    }

    @Test
    void synchronousExecuteReturnsAGeoTiffOnTheInputGridServedWithRanges() throws Exception {
        try (ServerHarness h = server(1, 4, ServerHooks.NONE)) {
            HttpResponse<String> r = h.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"bands\": [1,2,3], \"outputType\": {\"value\": \"float32\"}"), false);
            assertEquals(200, r.statusCode(), r.body());
            String href = ServerHarness.json(r).get("result").get("href").asText();
            assertTrue(href.startsWith(h.server.baseUrl() + "/jobs/"), href);
            String location = r.headers().firstValue("Location").orElseThrow();

            JsonNode status = ServerHarness.json(h.get(location));
            assertEquals("successful", status.get("status").asText());
            assertEquals(100, status.get("progress").asInt());
            assertTrue(status.get("summary").get("tilesRun").asLong() > 0);

            HttpResponse<byte[]> whole = h.getBytes(href, null);
            assertEquals(200, whole.statusCode());
            Path local = Files.write(tmp.resolve("result.tif"), whole.body());
            RasterInfo in = GeoTiffRasters.info(TestPaths.raster("RGB.byte.tif"));
            RasterInfo out = GeoTiffRasters.info(local);
            assertEquals(in.width(), out.width());
            assertEquals(in.height(), out.height());
            assertEquals(in.georef().gridToCrs(), out.georef().gridToCrs());
            assertEquals(in.georef().epsg(), out.georef().epsg());

            byte[] all = whole.body();
            HttpResponse<String> head = h.head(href);
            assertEquals(200, head.statusCode());
            assertEquals("bytes", head.headers().firstValue("Accept-Ranges").orElse(""));
            assertEquals(all.length, Long.parseLong(head.headers().firstValue("Content-Length").orElse("-1")));

            HttpResponse<byte[]> first = h.getBytes(href, "bytes=0-99");
            assertEquals(206, first.statusCode());
            assertEquals("bytes 0-99/" + all.length, first.headers().firstValue("Content-Range").orElse(""));
            assertArrayEquals(Arrays.copyOfRange(all, 0, 100), first.body());

            HttpResponse<byte[]> tail = h.getBytes(href, "bytes=-10");
            assertEquals(206, tail.statusCode());
            assertArrayEquals(Arrays.copyOfRange(all, all.length - 10, all.length), tail.body());

            HttpResponse<byte[]> middle = h.getBytes(href, "bytes=1000-");
            assertArrayEquals(Arrays.copyOfRange(all, 1000, all.length), middle.body());

            HttpResponse<byte[]> beyond = h.getBytes(href, "bytes=" + all.length + "-");
            assertEquals(416, beyond.statusCode());
            assertEquals("bytes */" + all.length, beyond.headers().firstValue("Content-Range").orElse(""));
        }
    }

    @Test
    void rawResponseIsTheGeoTiffItself() throws Exception {
        try (ServerHarness h = server(1, 4, ServerHooks.NONE)) {
            String body = "{\"inputs\": {\"input\": \"RGB.byte.tif\", \"outputType\": \"uint8\", \"tile\": 128}, \"response\": \"raw\"}";
            HttpResponse<byte[]> r = h.client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(h.url(EXEC)))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            Path local = Files.write(tmp.resolve("raw.tif"), r.body());
            assertEquals(791, GeoTiffRasters.info(local).width());
            assertEquals("uint8", GeoTiffRasters.info(local).dataType().name().toLowerCase());
        }
    }

    @Test
    void asynchronousExecuteCreatesAJobWithProgressAndResults() throws Exception {
        try (ServerHarness h = server(1, 4, ServerHooks.NONE)) {
            HttpResponse<String> r = h.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"tile\": 128"), true);
            assertEquals(201, r.statusCode(), r.body());
            JsonNode created = ServerHarness.json(r);
            String id = created.get("jobID").asText();
            assertEquals(h.url("/jobs/" + id), r.headers().firstValue("Location").orElse(""));
            assertTrue(List.of("accepted", "running", "successful").contains(created.get("status").asText()));

            JsonNode done = h.awaitFinal(id);
            assertEquals("successful", done.get("status").asText(), done.toString());
            assertEquals(100, done.get("progress").asInt());
            JsonNode results = ServerHarness.json(h.get("/jobs/" + id + "/results"));
            assertEquals(Documents.GEOTIFF, results.get("result").get("type").asText());
            HttpResponse<byte[]> magic = h.getBytes(results.get("result").get("href").asText(), "bytes=0-3");
            assertEquals(206, magic.statusCode());
            byte[] m = magic.body();
            assertEquals(4, m.length);
            assertTrue(m[0] == 'I' && m[1] == 'I' && (m[2] == 42 || m[2] == 43) && m[3] == 0, "a little-endian (Big)TIFF header");

            JsonNode list = ServerHarness.json(h.get("/jobs"));
            assertEquals(id, list.get("jobs").get(0).get("jobID").asText());
        }
    }

    @Test
    void theInputCheckWarningReachesTheJobStatus() throws Exception {
        // the real RGB model (its card has eo2sar.input.range and a 10 m GSD) on 8-bit 300 m Landsat
        Path models = Files.createDirectories(tmp.resolve("models"));
        Files.copy(TestPaths.repoRoot().resolve("sample-data/models/eo2sar-rgb.onnx"), models.resolve("eo2sar-rgb.onnx"));
        try (ServerHarness h = new ServerHarness(ServerHarness.config(List.of(TestPaths.rasters()), models, tmp.resolve("work"))
                .withQueue(4, 1), ServerHooks.NONE)) {
            HttpResponse<String> r = h.post("/processes/eo2sar-rgb/execution", ServerHarness.executeBody("RGB.byte.tif", "\"tile\": 512"), true);
            assertEquals(201, r.statusCode(), r.body());
            JsonNode done = h.awaitFinal(ServerHarness.json(r).get("jobID").asText());
            assertEquals("successful", done.get("status").asText(), done.toString());
            String message = done.get("message").asText();
            assertTrue(message.startsWith("done; warning: input may not suit model eo2sar-rgb: 8-bit input"), message);
            assertTrue(message.contains("pixel size 300 m, the model was trained at 10 m"), message);
        }
    }

    @Test
    void deleteCancelsARunningJobBetweenTileBatches() throws Exception {
        CountDownLatch midRun = new CountDownLatch(1);
        ServerHooks hooks = new ServerHooks() {
            @Override
            public void onProgress(Job job, long done, long total) {
                if (done < total && midRun.getCount() > 0) {
                    midRun.countDown();
                    while (!job.cancelRequested()) { // hold the job mid-run until DELETE arrives
                        Thread.onSpinWait();
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        };
        try (ServerHarness h = server(1, 4, hooks)) {
            String id = ServerHarness.json(h.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"tile\": 64"), true))
                    .get("jobID").asText();
            assertTrue(midRun.await(2, TimeUnit.MINUTES), "the job never reported progress");
            JsonNode running = ServerHarness.json(h.get("/jobs/" + id));
            assertEquals("running", running.get("status").asText());
            assertEquals(404, h.get("/jobs/" + id + "/results").statusCode(), "no results before success");
            assertEquals(404, h.get("/jobs/" + id + "/results/result.tif").statusCode(), "nothing partial is visible");

            HttpResponse<String> del = h.delete("/jobs/" + id);
            assertEquals(200, del.statusCode(), del.body());
            assertEquals("dismissed", ServerHarness.json(del).get("status").asText());
            assertEquals("dismissed", ServerHarness.json(h.get("/jobs/" + id)).get("status").asText());
            assertEquals(404, h.get("/jobs/" + id + "/results").statusCode());
            assertFalse(Files.exists(tmp.resolve("work/jobs/" + id)), "the job folder is deleted");
        }
    }

    /** Hooks that count down {@code started} as each job begins and hold it there until {@code release}. */
    private static ServerHooks holdJobsUntil(CountDownLatch started, CountDownLatch release) {
        return new ServerHooks() {
            @Override
            public void beforeRun(Job job) {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @Test
    void aFullQueueAnswers429AndQueuedJobsStillRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ServerHooks hooks = holdJobsUntil(started, release);
        try (ServerHarness h = server(1, 1, hooks)) {
            String body = ServerHarness.executeBody("RGB.byte.tif", "\"tile\": 256");
            String a = ServerHarness.json(h.post(EXEC, body, true)).get("jobID").asText();
            assertTrue(started.await(1, TimeUnit.MINUTES));
            HttpResponse<String> queued = h.post(EXEC, body, true);
            assertEquals(201, queued.statusCode(), queued.body());
            String b = ServerHarness.json(queued).get("jobID").asText();
            assertEquals("accepted", ServerHarness.json(h.get("/jobs/" + b)).get("status").asText());

            HttpResponse<String> refused = h.post(EXEC, body, true);
            assertEquals(429, refused.statusCode(), refused.body());
            assertEquals(429, ServerHarness.json(refused).get("status").asInt());
            assertEquals(2, h.server.jobs().list().size(), "a refused job leaves nothing behind");

            release.countDown();
            assertEquals("successful", h.awaitFinal(a).get("status").asText());
            assertEquals("successful", h.awaitFinal(b).get("status").asText());
        }
    }

    @Test
    void dismissingAQueuedJobRemovesItBeforeItRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ServerHooks hooks = holdJobsUntil(started, release);
        try (ServerHarness h = server(1, 2, hooks)) {
            String body = ServerHarness.executeBody("RGB.byte.tif", null);
            String a = ServerHarness.json(h.post(EXEC, body, true)).get("jobID").asText();
            assertTrue(started.await(1, TimeUnit.MINUTES));
            String b = ServerHarness.json(h.post(EXEC, body, true)).get("jobID").asText();
            assertEquals("dismissed", ServerHarness.json(h.delete("/jobs/" + b)).get("status").asText());
            release.countDown();
            assertEquals("successful", h.awaitFinal(a).get("status").asText());
            assertEquals("dismissed", h.awaitFinal(b).get("status").asText());
        }
    }

    @Test
    void twoWorkersRunTwoJobsAtOnce() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        ServerHooks hooks = new ServerHooks() {
            @Override
            public void beforeRun(Job job) {
                bothRunning.countDown();
                try { // proceeds only once both jobs are running side by side
                    bothRunning.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (ServerHarness h = server(2, 2, hooks)) {
            String a = ServerHarness.json(h.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"outputType\": \"uint8\""), true)).get("jobID").asText();
            String b = ServerHarness.json(h.post(EXEC, ServerHarness.executeBody("rgb_lzw.tif", null), true)).get("jobID").asText();
            assertEquals("successful", h.awaitFinal(a).get("status").asText());
            assertEquals("successful", h.awaitFinal(b).get("status").asText());
            assertEquals(0, bothRunning.getCount(), "both jobs were running at the same time");
            String ha = ServerHarness.json(h.get("/jobs/" + a + "/results")).get("result").get("href").asText();
            String hb = ServerHarness.json(h.get("/jobs/" + b + "/results")).get("result").get("href").asText();
            assertNotEquals(ha, hb);
            assertEquals(200, h.getBytes(ha, null).statusCode());
            assertEquals(200, h.getBytes(hb, null).statusCode());
        }
    }

    @Test
    void failedJobsReportTheCoreErrorAndLeaveNoOutput() throws Exception {
        try (ServerHarness h = server(1, 2, ServerHooks.NONE)) {
            // tile not a multiple of the model's eo2sar.tile.multiple (4): the core refuses it
            HttpResponse<String> sync = h.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"tile\": 130"), false);
            assertEquals(400, sync.statusCode(), sync.body());
            String id = ServerHarness.json(h.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"tile\": 130"), true)).get("jobID").asText();
            JsonNode failed = h.awaitFinal(id);
            assertEquals("failed", failed.get("status").asText());
            assertFalse(failed.get("message").asText().isBlank());
            assertEquals(404, h.get("/jobs/" + id + "/results").statusCode());
            try (var left = Files.list(tmp.resolve("work/jobs/" + id))) {
                assertEquals(List.of(JobStore.FILE), left.map(f -> f.getFileName().toString()).toList(),
                        "only the job's record stays");
            }
        }
    }

    /**
     * kill -9 and restart: a second server on the same work folder (the first one is never closed, so
     * nothing is written at shutdown) lists the finished jobs as they were, serves the result bytes,
     * and reports the running and the queued job as failed by the restart.
     */
    @Test
    void jobsSurviveARestartAndInterruptedOnesAreReportedFailed() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        ServerHooks holdThird = new ServerHooks() {
            @Override
            public void beforeRun(Job job) {
                if (runs.incrementAndGet() == 3) {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        ServerHarness first = server(1, 4, holdThird);
        try {
            String ok = ServerHarness.json(first.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", null), true)).get("jobID").asText();
            assertEquals("successful", first.awaitFinal(ok).get("status").asText());
            byte[] result = Files.readAllBytes(tmp.resolve("work/jobs/" + ok + "/result.tif"));
            String bad = ServerHarness.json(first.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"tile\": 130"), true))
                    .get("jobID").asText();
            String badMessage = first.awaitFinal(bad).get("message").asText();
            String held = ServerHarness.json(first.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", null), true)).get("jobID").asText();
            assertTrue(running.await(60, TimeUnit.SECONDS));
            String queued = ServerHarness.json(first.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", null), true)).get("jobID").asText();

            try (ServerHarness second = server(1, 4, ServerHooks.NONE)) {
                JsonNode s = ServerHarness.json(second.get("/jobs/" + ok));
                assertEquals("successful", s.get("status").asText(), s.toString());
                String href = ServerHarness.json(second.get("/jobs/" + ok + "/results")).get("result").get("href").asText();
                assertTrue(href.startsWith(second.url("/")), href);
                assertArrayEquals(result, second.getBytes(href, null).body(), "the result as it was written");

                JsonNode f = ServerHarness.json(second.get("/jobs/" + bad));
                assertEquals("failed", f.get("status").asText());
                assertEquals(badMessage, f.get("message").asText());
                for (String id : List.of(held, queued)) {
                    JsonNode i = ServerHarness.json(second.get("/jobs/" + id));
                    assertEquals("failed", i.get("status").asText(), i.toString());
                    assertTrue(i.get("message").asText().startsWith("interrupted by a server restart"), i.toString());
                    assertEquals(404, second.get("/jobs/" + id + "/results").statusCode());
                }
                assertEquals(4, ServerHarness.json(second.get("/jobs")).get("jobs").size());
                // the restarted server runs new jobs as usual
                String fresh = ServerHarness.json(second.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", null), true))
                        .get("jobID").asText();
                assertEquals("successful", second.awaitFinal(fresh).get("status").asText());
            }
        } finally {
            release.countDown();
            first.close();
        }
    }

    @Test
    void finishedJobsExpireAfterTheirTtl() throws Exception {
        try (ServerHarness h = server(1, 2, ServerHooks.NONE)) {
            String id = ServerHarness.json(h.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", null), true)).get("jobID").asText();
            JsonNode done = h.awaitFinal(id);
            assertEquals("successful", done.get("status").asText());
            assertTrue(Files.exists(tmp.resolve("work/jobs/" + id + "/result.tif")));
            Instant finished = Instant.parse(done.get("finished").asText());
            assertEquals(0, h.server.jobs().purgeExpired(finished.plusSeconds(60)), "default TTL is 24 h");
            assertEquals(1, h.server.jobs().purgeExpired(finished.plus(java.time.Duration.ofHours(25))));
            assertEquals(404, h.get("/jobs/" + id).statusCode());
            assertFalse(Files.exists(tmp.resolve("work/jobs/" + id)));
        }
    }

    @Test
    void allowListedUrlsAreDownloadedAndOthersRefused() throws Exception {
        byte[] rgb = Files.readAllBytes(TestPaths.raster("RGB.byte.tif"));
        com.sun.net.httpserver.HttpServer origin = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/data/RGB.byte.tif", ex -> {
            ex.sendResponseHeaders(200, rgb.length);
            try (var os = ex.getResponseBody()) {
                os.write(rgb);
            }
        });
        origin.createContext("/data/moved.tif", ex -> { // a redirect must not lead outside the prefix
            ex.getResponseHeaders().set("Location", "/elsewhere/RGB.byte.tif");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        origin.start();
        String prefix = "http://127.0.0.1:" + origin.getAddress().getPort() + "/data/";
        try (ServerHarness h = new ServerHarness(ServerHarness.config(List.of(TestPaths.rasters()), TestPaths.models(),
                tmp.resolve("work")).withUrlPrefixes(List.of(prefix)), ServerHooks.NONE)) {
            HttpResponse<String> ok = h.post(EXEC, ServerHarness.executeBody(prefix + "RGB.byte.tif", null), false);
            assertEquals(200, ok.statusCode(), ok.body());
            byte[] result = h.getBytes(ServerHarness.json(ok).get("result").get("href").asText(), null).body();
            assertEquals(718, GeoTiffRasters.info(Files.write(tmp.resolve("r.tif"), result)).height());

            assertEquals(400, h.post(EXEC, ServerHarness.executeBody(prefix + "moved.tif", null), false).statusCode());
            String other = "http://127.0.0.1:" + origin.getAddress().getPort() + "/elsewhere/RGB.byte.tif";
            assertEquals(400, h.post(EXEC, ServerHarness.executeBody(other, null), false).statusCode());
        } finally {
            origin.stop(0);
        }
    }

    /** An allow-listed upstream that sends its headers and a few bytes, then stalls. */
    @Test
    void aStalledUpstreamFailsAfterTheReadTimeoutAndDeleteStopsItsDownload() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stalled = new CountDownLatch(2); // once per download: the second is the one DELETE stops
        com.sun.net.httpserver.HttpServer origin = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        origin.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        origin.createContext("/data/slow.tif", ex -> {
            ex.sendResponseHeaders(200, 1 << 20);
            var os = ex.getResponseBody();
            os.write(new byte[1000]);
            os.flush();
            stalled.countDown();
            try {
                release.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        origin.start();
        String prefix = "http://127.0.0.1:" + origin.getAddress().getPort() + "/data/";
        var config = ServerHarness.config(List.of(TestPaths.rasters()), TestPaths.models(), tmp.resolve("work"))
                .withUrlPrefixes(List.of(prefix));
        try (ServerHarness h = new ServerHarness(config.withTranslationLimits(
                org.eo2sar.core.pipeline.TranslationLimits.DEFAULTS.withReadTimeout(java.time.Duration.ofSeconds(1))),
                ServerHooks.NONE)) {
            HttpResponse<String> r = h.post(EXEC, ServerHarness.executeBody(prefix + "slow.tif", null), false);
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(ServerHarness.json(r).get("detail").asText().endsWith("no data for 1 s (--read-timeout)"), r.body());
        }
        // default deadline (60 s): only DELETE can stop it, and does
        try (ServerHarness h = new ServerHarness(config, ServerHooks.NONE)) {
            String id = ServerHarness.json(h.post(EXEC, ServerHarness.executeBody(prefix + "slow.tif", null), true))
                    .get("jobID").asText();
            assertTrue(stalled.await(60, TimeUnit.SECONDS));
            assertEquals("running", ServerHarness.json(h.get("/jobs/" + id)).get("status").asText());
            HttpResponse<String> del = h.delete("/jobs/" + id);
            assertEquals("dismissed", ServerHarness.json(del).get("status").asText(), del.body());
            assertFalse(Files.exists(tmp.resolve("work/jobs/" + id)), "no partial download left");
        } finally {
            release.countDown();
            origin.stop(0);
        }
    }
}
