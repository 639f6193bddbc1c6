package org.eo2sar.core.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: copies a real ONNX model with its {@code metadata_props} (ModelProto field 14)
 * replaced, by walking the top-level protobuf fields. Lets tests build card-less or broken-card
 * models from the real tiny generators without Python.
 */
public final class OnnxMetadata {
    private OnnxMetadata() {
    }

    public static Path rewrite(Path src, Path dst, Map<String, String> props) throws IOException {
        byte[] in = Files.readAllBytes(src);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int[] pos = {0};
        while (pos[0] < in.length) {
            int start = pos[0];
            long tag = varint(in, pos);
            int wire = (int) (tag & 7);
            switch (wire) {
                case 0 -> varint(in, pos);
                case 1 -> pos[0] += 8;
                case 2 -> {
                    int len = (int) varint(in, pos); // read first: pos[0] += f(pos) would use the old pos
                    pos[0] += len;
                }
                case 5 -> pos[0] += 4;
                default -> throw new IOException("unexpected wire type " + wire);
            }
            if ((tag >>> 3) != 14) {
                out.write(in, start, pos[0] - start);
            }
        }
        for (Map.Entry<String, String> e : props.entrySet()) {
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            field(entry, 1, e.getKey().getBytes(StandardCharsets.UTF_8));
            field(entry, 2, e.getValue().getBytes(StandardCharsets.UTF_8));
            field(out, 14, entry.toByteArray());
        }
        Files.write(dst, out.toByteArray());
        return dst;
    }

    /** The card of {@code src} with {@code key} set to {@code value} (null removes it). */
    public static Map<String, String> with(ModelCard card, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(card.toMetadata());
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return m;
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] payload) {
        writeVarint(out, ((long) number << 3) | 2);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
