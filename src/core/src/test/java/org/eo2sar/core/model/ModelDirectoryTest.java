package org.eo2sar.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing a model folder, one shared session per (model, device), closing them all. */
class ModelDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void listsOnnxStemsLiveAndSharesOneSessionPerModel() throws Exception {
        Files.copy(TestData.testModel("tiny-tileinvariant.onnx"), tmp.resolve("b-model.onnx"));
        Files.writeString(tmp.resolve("notes.txt"), "not a model");
        Files.writeString(tmp.resolve("-dash.onnx"), "a name that could be read as an option");
        Files.createDirectory(tmp.resolve("dir.onnx"));
        try (ModelDirectory models = new ModelDirectory(tmp)) {
            assertEquals(List.of("b-model"), models.names());
            Files.copy(TestData.testModel("tiny-instancenorm.onnx"), tmp.resolve("a.onnx"));
            assertEquals(List.of("a", "b-model"), models.names(), "a model dropped in later is listed");

            OnnxGenerator g = models.generator("b-model", DeviceSpec.CPU);
            assertSame(g, models.generator("b-model", DeviceSpec.CPU));
            assertEquals(1, models.openSessions());
            models.generator("a", DeviceSpec.CPU);
            assertEquals(2, models.openSessions());
        }
    }

    @Test
    void unknownNamesAndPathsAreRejectedNamingTheKnownModels() throws Exception {
        Files.copy(TestData.testModel("tiny-tileinvariant.onnx"), tmp.resolve("m.onnx"));
        try (ModelDirectory models = new ModelDirectory(tmp)) {
            for (String bad : new String[] {"nope", "../m", "m.onnx", "", null}) {
                Eo2SarException e = assertThrows(Eo2SarException.class, () -> models.generator(bad, DeviceSpec.CPU));
                assertEquals(Eo2SarException.Kind.INVALID_ARGUMENT, e.kind());
                assertTrue(e.getMessage().endsWith(": m"), e.getMessage());
                assertFalse(models.contains(bad));
            }
        }
    }

    @Test
    void aBrokenFileIsAnInvalidModelAndAMissingFolderIsEmpty() throws Exception {
        Files.writeString(tmp.resolve("broken.onnx"), "not onnx");
        try (ModelDirectory models = new ModelDirectory(tmp)) {
            Eo2SarException e = assertThrows(Eo2SarException.class, () -> models.generator("broken", DeviceSpec.CPU));
            assertEquals(Eo2SarException.Kind.INVALID_MODEL, e.kind());
            assertEquals(0, models.openSessions());
        }
        assertEquals(List.of(), new ModelDirectory(tmp.resolve("absent")).names());
    }

    @Test
    void closeClosesEverySessionAndLaterCallsFail() throws Exception {
        Files.copy(TestData.testModel("tiny-tileinvariant.onnx"), tmp.resolve("m.onnx"));
        ModelDirectory models = new ModelDirectory(tmp);
        models.generator("m", DeviceSpec.CPU);
        models.close();
        models.close(); // idempotent
        assertTrue(models.isClosed());
        assertEquals(0, models.openSessions());
        assertThrows(IllegalStateException.class, () -> models.generator("m", DeviceSpec.CPU));
    }
}
