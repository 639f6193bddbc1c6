package org.eo2sar.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/** A real server on 127.0.0.1 (free port) and a real HTTP client talking to it. */
final class ServerHarness implements AutoCloseable {
    final OgcApiServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ServerHarness(ServerConfig config, ServerHooks hooks) throws IOException {
        this.server = OgcApiServer.start(config, hooks);
    }

    static ServerConfig config(List<Path> dataDirs, Path models, Path work) {
        return ServerConfig.of(dataDirs, models, work);
    }

    String url(String path) {
        return server.baseUrl() + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : url(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String absoluteUrl, String range) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(absoluteUrl)).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> head(String absoluteUrl) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(absoluteUrl)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url(path))).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, boolean async) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (async) {
            b.header("Prefer", "respond-async");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    /** Polls the job until it is final (the test fails by its own timeout, never by a timed assertion). */
    JsonNode awaitFinal(String jobId) throws IOException, InterruptedException {
        while (true) {
            JsonNode s = json(get("/jobs/" + jobId));
            String status = s.get("status").asText();
            if (!status.equals("accepted") && !status.equals("running")) {
                return s;
            }
            Thread.sleep(50);
        }
    }

    static String executeBody(String href, String extraInputs) {
        return "{\"inputs\": {\"input\": {\"href\": \"" + href + "\"}" + (extraInputs == null ? "" : ", " + extraInputs) + "}}";
    }

    @Override
    public void close() {
        server.close();
    }
}
