package org.eo2sar.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;

/**
 * The model card embedded in an ONNX generator's {@code metadata_props} (DESIGN §6, format "1").
 * Array values are JSON lists; numbers are plain decimal strings.
 *
 * <p>Required keys: {@code eo2sar.format}, {@code .name}, {@code .version}, {@code .input.bands},
 * {@code .input.scale}, {@code .input.offset}, {@code .output.bands}, {@code .output.unit},
 * {@code .output.scale}, {@code .output.offset}, {@code .tile.multiple}, {@code .tile.size},
 * {@code .tile.margin}, {@code .tile_invariant}. Optional: {@code .description} (default ""),
 * {@code .gsd} (default NaN = unknown), {@code .training} (must be JSON when present),
 * {@code .input.range} (per input band {@code [low, high]} in raw units: a typical training scene's
 * 2nd and 98th percentile; default empty = unknown; {@code eo2sar translate} warns when an input is far from it).
 *
 * @param inputScale  per input band: x_model = x_raw * scale + offset
 * @param outputScale per output band: value = y_model * scale + offset
 * @param gsd         ground sampling distance of the training data in metres, NaN when unknown
 */
public record ModelCard(String name, String version, String description,
                        List<String> inputBands, double[] inputScale, double[] inputOffset,
                        List<String> outputBands, String outputUnit, double[] outputScale, double[] outputOffset,
                        int tileMultiple, int tileSize, int tileMargin, double gsd, boolean tileInvariant,
                        String trainingJson, List<ValueRange> inputRange) {

    /** Typical raw values of one input band in the training data (a scene's 2nd and 98th percentile). */
    public record ValueRange(double low, double high) {
    }

    /** Prefix of every model-card key. */
    public static final String PREFIX = "eo2sar.";
    /** The only contract version this code reads. */
    public static final String FORMAT = "1";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelCard {
        Objects.requireNonNull(name);
        Objects.requireNonNull(version);
        description = description == null ? "" : description;
        inputBands = List.copyOf(inputBands);
        outputBands = List.copyOf(outputBands);
        inputScale = inputScale.clone();
        inputOffset = inputOffset.clone();
        outputScale = outputScale.clone();
        outputOffset = outputOffset.clone();
        Objects.requireNonNull(outputUnit);
        inputRange = inputRange == null ? List.of() : List.copyOf(inputRange);
        if (!inputRange.isEmpty() && inputRange.size() != inputBands.size()) {
            throw new IllegalArgumentException("input range has " + inputRange.size() + " bands, the card " + inputBands.size());
        }
    }

    @Override public double[] inputScale() { return inputScale.clone(); }
    @Override public double[] inputOffset() { return inputOffset.clone(); }
    @Override public double[] outputScale() { return outputScale.clone(); }
    @Override public double[] outputOffset() { return outputOffset.clone(); }

    /** True when {@code metadata} has at least one {@code eo2sar.*} key. */
    public static boolean present(Map<String, String> metadata) {
        return metadata.keySet().stream().anyMatch(k -> k.startsWith(PREFIX));
    }

    /**
     * Parses and validates a card; every problem is an {@link Kind#INVALID_MODEL} error naming the key.
     */
    public static ModelCard parse(Map<String, String> metadata) {
        Reader r = new Reader(metadata);
        String format = r.string("format");
        if (!FORMAT.equals(format.trim())) {
            throw r.bad("format", "is \"" + format + "\", this version reads only \"" + FORMAT + "\"");
        }
        List<String> inBands = r.stringList("input.bands");
        double[] inScale = r.numbers("input.scale", inBands.size());
        double[] inOffset = r.numbers("input.offset", inBands.size());
        List<String> outBands = r.stringList("output.bands");
        double[] outScale = r.numbers("output.scale", outBands.size());
        double[] outOffset = r.numbers("output.offset", outBands.size());
        int multiple = r.integer("tile.multiple", 1);
        int size = r.integer("tile.size", 1);
        int margin = r.integer("tile.margin", 0);
        if (size % multiple != 0) {
            throw r.bad("tile.size", "is " + size + ", not a multiple of eo2sar.tile.multiple=" + multiple);
        }
        if (margin % multiple != 0) {
            throw r.bad("tile.margin", "is " + margin + ", not a multiple of eo2sar.tile.multiple=" + multiple);
        }
        double gsd = r.optionalNumber("gsd");
        boolean invariant = r.bool("tile_invariant");
        String training = r.optional("training");
        if (training != null) {
            r.json("training", training);
        }
        return new ModelCard(r.string("name"), r.string("version"), r.optional("description"),
                inBands, inScale, inOffset, outBands, r.string("output.unit"), outScale, outOffset,
                multiple, size, margin, gsd, invariant, training, r.ranges("input.range", inBands.size()));
    }

    /** The card back as {@code metadata_props} strings (round-trips through {@link #parse}). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "format", FORMAT);
        m.put(PREFIX + "name", name);
        m.put(PREFIX + "version", version);
        m.put(PREFIX + "description", description);
        m.put(PREFIX + "input.bands", json(inputBands));
        m.put(PREFIX + "input.scale", json(inputScale));
        m.put(PREFIX + "input.offset", json(inputOffset));
        m.put(PREFIX + "output.bands", json(outputBands));
        m.put(PREFIX + "output.unit", outputUnit);
        m.put(PREFIX + "output.scale", json(outputScale));
        m.put(PREFIX + "output.offset", json(outputOffset));
        m.put(PREFIX + "tile.multiple", Integer.toString(tileMultiple));
        m.put(PREFIX + "tile.size", Integer.toString(tileSize));
        m.put(PREFIX + "tile.margin", Integer.toString(tileMargin));
        if (!Double.isNaN(gsd)) {
            m.put(PREFIX + "gsd", Double.toString(gsd));
        }
        m.put(PREFIX + "tile_invariant", Boolean.toString(tileInvariant));
        if (trainingJson != null) {
            m.put(PREFIX + "training", trainingJson);
        }
        if (!inputRange.isEmpty()) {
            m.put(PREFIX + "input.range", json(inputRange.stream().map(v -> new double[] {v.low(), v.high()}).toList()));
        }
        return m;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads single keys with one-line errors naming the key. */
    private static final class Reader {
        private final Map<String, String> md;

        Reader(Map<String, String> md) {
            this.md = Objects.requireNonNull(md);
        }

        Eo2SarException bad(String key, String problem) {
            return new Eo2SarException(Kind.INVALID_MODEL, "model card key " + PREFIX + key + " " + problem);
        }

        String optional(String key) {
            return md.get(PREFIX + key);
        }

        String string(String key) {
            String v = md.get(PREFIX + key);
            if (v == null) {
                throw bad(key, "is missing");
            }
            if (v.isBlank()) {
                throw bad(key, "is empty");
            }
            return v;
        }

        JsonNode json(String key, String text) {
            try {
                return JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw bad(key, "is not valid JSON: " + text);
            }
        }

        JsonNode array(String key) {
            String text = string(key);
            JsonNode n = json(key, text);
            if (!n.isArray() || n.isEmpty()) {
                throw bad(key, "must be a non-empty JSON list, got " + text);
            }
            return n;
        }

        List<String> stringList(String key) {
            List<String> out = new ArrayList<>();
            for (JsonNode e : array(key)) {
                if (!e.isTextual() || e.asText().isBlank()) {
                    throw bad(key, "must be a JSON list of non-empty strings, got " + string(key));
                }
                out.add(e.asText());
            }
            return out;
        }

        double[] numbers(String key, int expectedLength) {
            JsonNode a = array(key);
            if (a.size() != expectedLength) {
                throw bad(key, "has " + a.size() + " values, expected " + expectedLength + " (one per band)");
            }
            double[] out = new double[a.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode e = a.get(i);
                if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
                    throw bad(key, "must be a JSON list of finite numbers, got " + string(key));
                }
                out[i] = e.asDouble();
            }
            return out;
        }

        /** Optional list of {@code [low, high]} pairs, one per band; empty when the key is absent. */
        List<ValueRange> ranges(String key, int expectedLength) {
            if (optional(key) == null) {
                return List.of();
            }
            JsonNode a = array(key);
            if (a.size() != expectedLength) {
                throw bad(key, "has " + a.size() + " values, expected " + expectedLength + " (one per band)");
            }
            List<ValueRange> out = new ArrayList<>();
            for (JsonNode e : a) {
                if (!e.isArray() || e.size() != 2 || !e.get(0).isNumber() || !e.get(1).isNumber()
                        || !Double.isFinite(e.get(0).asDouble()) || !(e.get(1).asDouble() > e.get(0).asDouble())
                        || Double.isInfinite(e.get(1).asDouble())) {
                    throw bad(key, "must be a JSON list of [low, high] number pairs with low < high, got " + string(key));
                }
                out.add(new ValueRange(e.get(0).asDouble(), e.get(1).asDouble()));
            }
            return out;
        }

        int integer(String key, int min) {
            String v = string(key).trim();
            int i;
            try {
                i = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw bad(key, "is not an integer: " + v);
            }
            if (i < min) {
                throw bad(key, "is " + i + ", must be >= " + min);
            }
            return i;
        }

        double optionalNumber(String key) {
            String v = optional(key);
            if (v == null || v.isBlank()) {
                return Double.NaN;
            }
            try {
                double d = Double.parseDouble(v.trim());
                if (!(d > 0) || Double.isInfinite(d)) {
                    throw bad(key, "must be a positive number, got " + v);
                }
                return d;
            } catch (NumberFormatException e) {
                throw bad(key, "is not a number: " + v);
            }
        }

        boolean bool(String key) {
            String v = string(key).trim().toLowerCase(java.util.Locale.ROOT);
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw bad(key, "must be true or false, got " + v);
            };
        }
    }
}
