package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eo2sar:Models lists every *.onnx of the model folder from its model card. */
class ModelsProcessTest {
    @TempDir
    Path tmp;

    @Test
    void listsNamesBandsUnitsAndTileSizes() throws Exception {
        Path dir = Fixtures.modelsDir(tmp);
        Files.writeString(dir.resolve("broken.onnx"), "not an onnx file");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        try (ModelRegistry registry = new ModelRegistry(Fixtures.settings(dir))) {
            JsonNode models = new ObjectMapper().readTree(new ModelsProcess(registry).execute());
            assertEquals(3, models.size());
            assertEquals("broken", models.get(0).get("name").asText());
            assertTrue(models.get(0).get("error").asText().contains("broken.onnx"), models.get(0).toString());

            JsonNode tiny = models.get(2);
            assertEquals(Fixtures.TILE_INVARIANT, tiny.get("name").asText());
            assertEquals("[\"red\",\"green\",\"blue\"]", tiny.get("inputBands").toString());
            assertEquals("[\"VV\"]", tiny.get("outputBands").toString());
            assertEquals("dB", tiny.get("unit").asText());
            assertEquals(256, tiny.get("tileSize").asInt());
            assertEquals(32, tiny.get("tileMargin").asInt());
            assertEquals(4, tiny.get("tileMultiple").asInt());
            assertEquals(10.0, tiny.get("gsd").asDouble());
            assertTrue(tiny.get("tileInvariant").asBoolean());
            assertEquals(false, models.get(1).get("tileInvariant").asBoolean());
            assertEquals(2, registry.openSessions(), "one CPU session per usable model");
        }
    }

    @Test
    void aMissingFolderListsNothing() {
        try (ModelRegistry registry = new ModelRegistry(Fixtures.settings(tmp.resolve("absent")))) {
            assertEquals("[ ]", new ModelsProcess(registry).execute());
        }
    }
}
