package org.eo2sar.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eo2sar.app.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a bounded load and abuse run against the real server on 127.0.0.1. 16 clients at once
 * send normal requests, real translations and hostile probes (path traversal, encoded dots, files
 * outside the data folders, non-allow-listed URLs, oversized bodies and headers, broken JSON, wrong
 * methods). Every answer must be the expected refusal or success, never a 5xx, and the server must
 * still answer afterwards. Figures are printed (docs/reliability.md).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LoadAbuseTest {
    private static final String EXEC = "/processes/tiny-tileinvariant/execution";

    @TempDir
    Path tmp;

    /** A request and the statuses that are a correct answer to it. */
    record Probe(String name, String method, String path, String body, Map<String, String> headers, Set<Integer> ok) {
        Probe(String name, String method, String path, String body, Set<Integer> ok) {
            this(name, method, path, body, Map.of(), ok);
        }
    }

    static List<Probe> probes() {
        String huge = "{\"inputs\": {\"input\": {\"href\": \"" + "a".repeat(2 << 20) + "\"}}}";
        return List.of(
                new Probe("landing", "GET", "/", null, Set.of(200)),
                new Probe("processes", "GET", "/processes", null, Set.of(200)),
                new Probe("jobs", "GET", "/jobs", null, Set.of(200)),
                new Probe("conformance", "GET", "/conformance", null, Set.of(200)),
                new Probe("no such job", "GET", "/jobs/00000000-0000-0000-0000-000000000000", null, Set.of(404)),
                new Probe("no such process", "GET", "/processes/nope", null, Set.of(404)),
                new Probe("dot-dot path", "GET", "/jobs/../../../../etc/passwd", null, Set.of(400, 404)),
                new Probe("encoded dot-dot path", "GET", "/jobs/%2e%2e/%2e%2e/etc/passwd", null, Set.of(400, 404)),
                new Probe("wrong method", "PUT", "/processes", "{}", Set.of(405)),
                new Probe("broken JSON", "POST", EXEC, "{\"inputs\": ", Set.of(400)),
                new Probe("input outside the data folders", "POST", EXEC,
                        ServerHarness.executeBody("../../../../etc/passwd", null), Set.of(400)),
                new Probe("encoded dots in the input", "POST", EXEC,
                        ServerHarness.executeBody("%2e%2e/%2e%2e/etc/passwd", null), Set.of(400)),
                new Probe("file: URL", "POST", EXEC, ServerHarness.executeBody("file:///etc/passwd", null), Set.of(400)),
                new Probe("URL not allow-listed", "POST", EXEC,
                        ServerHarness.executeBody("http://169.254.169.254/latest/meta-data/", null), Set.of(400)),
                new Probe("absurd margin", "POST", EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"margin\": 2147483644"),
                        Set.of(400)),
                new Probe("body over the limit", "POST", EXEC, huge, Set.of(413)),
                new Probe("header over the limit", "GET", "/processes", null, Map.of("X-Big", "b".repeat(32 * 1024)),
                        Set.of(431, 400)));
    }

    /**
     * Sends once, and once more when the pooled connection turns out closed before any byte came back:
     * after a refused malformed request the server closes that connection, and a client that reuses it
     * at the same moment sees "no bytes" (the JDK client resends only idempotent methods by itself).
     */
    static int send(HttpClient client, HttpRequest request, AtomicInteger retried)
            throws java.io.IOException, InterruptedException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
                throw e;
            }
            retried.incrementAndGet();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @Test
    void sixteenClientsOfNormalRequestsTranslationsAndProbesGetTheRightAnswers() throws Exception {
        try (ServerHarness h = new ServerHarness(ServerHarness.config(List.of(TestPaths.rasters()), TestPaths.models(),
                tmp.resolve("work")).withQueue(32, 1), ServerHooks.NONE)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Probe> probes = probes();
            Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String> jobs = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger retried = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                int id = c;
                done.add(clients.submit(() -> {
                    for (int round = 0; round < 3; round++) {
                        for (Probe p : probes) {
                            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.url(p.path())))
                                    .method(p.method(), p.body() == null ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofString(p.body()))
                                    .header("Content-Type", "application/json");
                            p.headers().forEach(b::header);
                            int status;
                            try {
                                status = send(client, b.build(), retried);
                            } catch (java.io.IOException e) {
                                // a server may close the connection on an oversized body or header after answering
                                status = p.ok().contains(413) || p.ok().contains(431) ? -1 : -2;
                                if (status == -2) {
                                    wrong.add(p.name() + ": " + e);
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return null;
                            }
                            answered.computeIfAbsent(p.name(), k -> new AtomicInteger()).incrementAndGet();
                            if (status != -1 && !p.ok().contains(status)) {
                                wrong.add(p.name() + ": " + status + " (expected " + p.ok() + ")");
                            }
                        }
                        if (id % 4 == 0) {   // a real translation now and then, asynchronously
                            var r = h.post(EXEC, ServerHarness.executeBody("RGB.byte.tif", "\"tile\": 256"), true);
                            if (r.statusCode() == 201) {
                                jobs.add(ServerHarness.json(r).get("jobID").asText());
                            } else if (r.statusCode() != 429) {
                                wrong.add("execute: " + r.statusCode() + " " + r.body());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            clients.shutdown();
            int successful = 0;
            for (String id : jobs) {
                if (h.awaitFinal(id).get("status").asText().equals("successful")) {
                    successful++;
                }
            }
            int total = answered.values().stream().mapToInt(AtomicInteger::get).sum();
            System.out.printf("load/abuse: %d requests from 16 clients (%d kinds), %d translations (%d successful), "
                    + "%d resent on a fresh connection, %d wrong answers: %s%n", total, probes.size(), jobs.size(), successful,
                    retried.get(), wrong.size(), new TreeMap<>(answered));
            assertTrue(wrong.isEmpty(), String.join("\n", wrong));
            assertEquals(jobs.size(), successful, "every accepted translation finished");
            assertEquals(200, h.get("/processes").statusCode(), "still serving");
        }
    }
}
