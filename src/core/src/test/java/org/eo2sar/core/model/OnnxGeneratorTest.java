package org.eo2sar.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGeneratorTest {
    static final Path MODEL = TestData.testModel("tiny-tileinvariant.onnx");

    @TempDir
    Path tmp;

    @Test
    void runsOnCpuIntoTheGivenBuffer() {
        try (OnnxGenerator g = OnnxGenerator.open(MODEL, DeviceSpec.CPU)) {
            assertEquals(3, g.card().inputBands().size());
            assertFalse(g.isCuda());
            assertTrue(g.deviceDescription().startsWith("cpu"), g.deviceDescription());
            int n = 2, h = 64, w = 48;
            FloatBuffer in = direct(n * 3 * h * w);
            for (int i = 0; i < n * 3 * h * w; i++) {
                in.put(i, (float) Math.sin(i * 0.01));
            }
            FloatBuffer out = direct(n * h * w);
            for (int i = 0; i < n * h * w; i++) {
                out.put(i, Float.NaN);
            }
            long nanos = g.run(in, n, h, w, out);
            assertTrue(nanos > 0);
            for (int i = 0; i < n * h * w; i++) {
                float v = out.get(i);
                assertTrue(v >= -1f && v <= 1f, "tanh output " + v + " at " + i);
            }
        }
    }

    @Test
    void cudaOnTheCpuJarIsAClearDeviceError() {
        if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return; // a -Pgpu build: nothing to check here
        }
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> OnnxGenerator.open(MODEL, DeviceSpec.parse("cuda:0")));
        assertEquals(Kind.DEVICE_UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
        assertTrue(e.getMessage().contains("no CUDA execution provider"), e.getMessage());
    }

    @Test
    void autoFallsBackToCpu() {
        try (OnnxGenerator g = OnnxGenerator.open(MODEL, DeviceSpec.parse("auto"))) {
            if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                assertFalse(g.isCuda());
                assertTrue(g.deviceDescription().startsWith("cpu"), g.deviceDescription());
            }
        }
    }

    @Test
    void modelWithoutCardIsRejected() throws Exception {
        Path bare = OnnxMetadata.rewrite(MODEL, tmp.resolve("bare.onnx"), Map.of());
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> OnnxGenerator.open(bare, DeviceSpec.CPU));
        assertEquals(Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().contains("has no eo2sar model card (metadata_props eo2sar.*)"), e.getMessage());
    }

    @Test
    void cardThatDisagreesWithTheGraphIsRejected() throws Exception {
        ModelCard card;
        try (OnnxGenerator g = OnnxGenerator.open(MODEL, DeviceSpec.CPU)) {
            card = g.card();
        }
        Map<String, String> md = OnnxMetadata.with(card, "eo2sar.input.bands", "[\"red\",\"green\",\"blue\",\"nir\"]");
        md.put("eo2sar.input.scale", "[1,1,1,1]");
        md.put("eo2sar.input.offset", "[0,0,0,0]");
        Path wrong = OnnxMetadata.rewrite(MODEL, tmp.resolve("wrong.onnx"), md);
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> OnnxGenerator.open(wrong, DeviceSpec.CPU));
        assertEquals(Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().contains("3 channels but the model card's eo2sar.input.bands lists 4"), e.getMessage());

        Path broken = OnnxMetadata.rewrite(MODEL, tmp.resolve("broken.onnx"), OnnxMetadata.with(card, "eo2sar.format", "7"));
        e = assertThrows(Eo2SarException.class, () -> OnnxGenerator.open(broken, DeviceSpec.CPU));
        assertTrue(e.getMessage().contains("eo2sar.format"), e.getMessage());
    }

    @Test
    void notOnnxOrMissing() throws Exception {
        Path junk = java.nio.file.Files.writeString(tmp.resolve("junk.onnx"), "not a model");
        assertEquals(Kind.INVALID_MODEL,
                assertThrows(Eo2SarException.class, () -> OnnxGenerator.open(junk, DeviceSpec.CPU)).kind());
        assertEquals(Kind.IO, assertThrows(Eo2SarException.class,
                () -> OnnxGenerator.open(tmp.resolve("none.onnx"), DeviceSpec.CPU)).kind());
    }

    @Test
    void deviceSpecParsing() {
        assertEquals(DeviceSpec.Type.CPU, DeviceSpec.parse("CPU").type());
        assertEquals(3, DeviceSpec.parse("cuda:3").deviceId());
        assertEquals(0, DeviceSpec.parse("cuda").deviceId());
        assertEquals(DeviceSpec.Type.AUTO, DeviceSpec.parse("auto").type());
        assertEquals(Kind.INVALID_ARGUMENT, assertThrows(Eo2SarException.class, () -> DeviceSpec.parse("tpu")).kind());
        assertThrows(Eo2SarException.class, () -> DeviceSpec.parse("cuda:x"));
        DeviceSpec d = DeviceSpec.parse("cuda:1").withCudaOptions(
                Map.of("cudnn_conv_algo_search", "heuristic", "gpu_mem_limit", "1073741824"));
        assertEquals("HEURISTIC", d.cudaOptions().get("cudnn_conv_algo_search"));
        assertThrows(Eo2SarException.class, () -> DeviceSpec.CPU.withCudaOptions(Map.of("gpu_mem_limit", "lots")));
        assertThrows(Eo2SarException.class,
                () -> DeviceSpec.CPU.withCudaOptions(Map.of("cudnn_conv_algo_search", "FAST")));
    }

    static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
