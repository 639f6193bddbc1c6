package org.eo2sar.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eo2sar.app.TestPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery documents and request validation against a real server on 127.0.0.1. */
class OgcApiServerTest {
    private static final String PROCESS = "tiny-tileinvariant";

    @TempDir
    Path tmp;
    private ServerHarness h;
    private Path ownData;

    @BeforeEach
    void start() throws Exception {
        ownData = Files.createDirectories(tmp.resolve("data"));
        ServerConfig c = ServerHarness.config(List.of(ownData, TestPaths.rasters()), TestPaths.models(), tmp.resolve("work"))
                .withLimits(1_000_000, 4096);
        h = new ServerHarness(c, ServerHooks.NONE);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void landingPageLinksToEverything() throws Exception {
        HttpResponse<String> r = h.get("/");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        List<String> rels = new ArrayList<>();
        ServerHarness.json(r).get("links").forEach(l -> rels.add(l.get("rel").asText()));
        assertTrue(rels.containsAll(List.of("self", "service-desc", "http://www.opengis.net/def/rel/ogc/1.0/conformance",
                "http://www.opengis.net/def/rel/ogc/1.0/processes")), rels.toString());
    }

    @Test
    void conformanceDeclaresCoreAndJson() throws Exception {
        JsonNode c = ServerHarness.json(h.get("/conformance"));
        String all = c.get("conformsTo").toString();
        assertTrue(all.contains("ogcapi-processes-1/1.0/conf/core"));
        assertTrue(all.contains("ogcapi-processes-1/1.0/conf/json"));
    }

    @Test
    void openApiDocumentDescribesTheEndpoints() throws Exception {
        HttpResponse<String> r = h.get("/api");
        assertEquals(200, r.statusCode());
        JsonNode api = ServerHarness.json(r);
        assertTrue(api.get("openapi").asText().startsWith("3."));
        for (String p : List.of("/processes", "/processes/{processId}/execution", "/jobs/{jobId}", "/jobs/{jobId}/results")) {
            assertTrue(api.get("paths").has(p), p);
        }
        assertEquals(h.server.baseUrl(), api.get("servers").get(0).get("url").asText());
    }

    @Test
    void oneProcessPerModelWithInputsFromTheModelCard() throws Exception {
        JsonNode list = ServerHarness.json(h.get("/processes"));
        List<String> ids = new ArrayList<>();
        list.get("processes").forEach(p -> ids.add(p.get("id").asText()));
        assertTrue(ids.containsAll(List.of("tiny-instancenorm", "tiny-tileinvariant")), ids.toString());

        JsonNode d = ServerHarness.json(h.get("/processes/" + PROCESS));
        JsonNode card = d.get("modelCard");
        JsonNode inputs = d.get("inputs");
        for (String in : List.of("input", "bands", "tile", "margin", "blend", "outputType", "aoi")) {
            assertTrue(inputs.has(in), in);
        }
        assertEquals(1, inputs.get("input").get("minOccurs").asInt());
        assertEquals(card.get("tileSize").asInt(), inputs.get("tile").get("schema").get("default").asInt());
        assertEquals(card.get("tileMargin").asInt(), inputs.get("margin").get("schema").get("default").asInt());
        assertEquals(card.get("inputBands").size(), inputs.get("bands").get("schema").get("maxItems").asInt());
        assertTrue(d.get("jobControlOptions").toString().contains("async-execute"));
        assertTrue(d.get("outputs").has("result"));
    }

    @Test
    void unknownProcessAndJobAre404WithOgcExceptions() throws Exception {
        HttpResponse<String> p = h.get("/processes/no-such-model");
        assertEquals(404, p.statusCode());
        JsonNode e = ServerHarness.json(p);
        assertTrue(e.get("type").asText().endsWith("no-such-process"));
        assertEquals(404, e.get("status").asInt());
        assertTrue(e.has("title") && e.has("detail"));

        assertEquals(404, h.post("/processes/no-such-model/execution", ServerHarness.executeBody("RGB.byte.tif", null), false).statusCode());
        for (HttpResponse<String> r : List.of(h.get("/jobs/0000"), h.get("/jobs/0000/results"), h.delete("/jobs/0000"))) {
            assertEquals(404, r.statusCode());
            assertTrue(ServerHarness.json(r).get("type").asText().endsWith("no-such-job"));
        }
        assertEquals(404, h.get("/nothing/here").statusCode());
        assertEquals(405, h.delete("/processes").statusCode());
    }

    @Test
    void malformedJsonIs400() throws Exception {
        for (String body : List.of("{\"inputs\": {", "not json", "[1,2]", "{}", "{\"inputs\": {\"input\": 42}}")) {
            HttpResponse<String> r = h.post("/processes/" + PROCESS + "/execution", body, false);
            assertEquals(400, r.statusCode(), body);
            JsonNode e = ServerHarness.json(r);
            assertEquals(400, e.get("status").asInt());
            assertFalse(e.get("detail").asText().isBlank());
        }
    }

    @Test
    void badParameterValuesAre400() throws Exception {
        String[] extras = {"\"bands\": [1, 2]", "\"outputType\": \"int16\"", "\"tile\": \"big\"", "\"bands\": [0, 1, 2]",
                "\"colour\": \"red\""};
        for (String extra : extras) {
            HttpResponse<String> r = h.post("/processes/" + PROCESS + "/execution", ServerHarness.executeBody("RGB.byte.tif", extra), false);
            assertEquals(400, r.statusCode(), extra + " -> " + r.body());
        }
    }

    @Test
    void pathTraversalAndUrlsAreRejected() throws Exception {
        Path outside = Files.copy(TestPaths.raster("RGB.byte.tif"), tmp.resolve("secret.tif"));
        Files.createSymbolicLink(ownData.resolve("escape.tif"), outside);
        String[] refs = {
            "../rasters/RGB.byte.tif", "../../../../../etc/passwd", "sub/../../secret.tif",
            outside.toString(), "/etc/passwd", "escape.tif",
            "http://127.0.0.1:1/RGB.byte.tif", "https://example.org/x.tif", "file:///etc/passwd",
            "file:" + TestPaths.raster("RGB.byte.tif"), "missing.tif"};
        for (String ref : refs) {
            HttpResponse<String> r = h.post("/processes/" + PROCESS + "/execution", ServerHarness.executeBody(ref, null), true);
            assertEquals(400, r.statusCode(), ref + " -> " + r.body());
        }
        assertTrue(h.server.jobs().list().isEmpty(), "no job may have been created");
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        String big = ServerHarness.executeBody("RGB.byte.tif", "\"aoi\": \"" + "x".repeat(5000) + "\"");
        HttpResponse<String> r = h.post("/processes/" + PROCESS + "/execution", big, false);
        assertEquals(413, r.statusCode());
    }

    @Test
    void inputsAbovePixelLimitAre400() throws Exception {
        h.close();
        h = new ServerHarness(ServerHarness.config(List.of(TestPaths.rasters()), TestPaths.models(), tmp.resolve("work2"))
                .withLimits(1000, 4096), ServerHooks.NONE);
        HttpResponse<String> r = h.post("/processes/" + PROCESS + "/execution", ServerHarness.executeBody("RGB.byte.tif", null), false);
        assertEquals(400, r.statusCode());
        assertTrue(ServerHarness.json(r).get("detail").asText().contains("567938 pixels"), r.body());
    }

    @Test
    void corruptInputIs400() throws Exception {
        HttpResponse<String> r = h.post("/processes/" + PROCESS + "/execution", ServerHarness.executeBody("corrupt.tif", null), false);
        assertEquals(400, r.statusCode(), r.body());
    }
}
