package org.eo2sar.core.model;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;

/**
 * Where a model runs: {@code cpu}, {@code cuda} (= {@code cuda:0}), {@code cuda:N}, or {@code auto}
 * (CUDA device 0 when the CUDA execution provider can be used, otherwise CPU with one log line).
 *
 * @param cudaOptions ONNX Runtime CUDA provider options passed through as strings, e.g.
 *                    {@code cudnn_conv_algo_search=HEURISTIC}, {@code gpu_mem_limit=4294967296};
 *                    ignored on CPU
 */
public record DeviceSpec(Type type, int deviceId, Map<String, String> cudaOptions) {

    /** The kind of device requested. */
    public enum Type { CPU, CUDA, AUTO }

    /** Values ONNX Runtime accepts for {@code cudnn_conv_algo_search}. */
    private static final Set<String> ALGO_SEARCH = Set.of("EXHAUSTIVE", "HEURISTIC", "DEFAULT");

    public static final DeviceSpec CPU = new DeviceSpec(Type.CPU, 0, Map.of());

    public DeviceSpec {
        if (type == null) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "device type is required");
        }
        if (deviceId < 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "CUDA device id must be >= 0, got " + deviceId);
        }
        cudaOptions = validate(cudaOptions == null ? Map.of() : cudaOptions);
    }

    /** Parses {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (case-insensitive). */
    public static DeviceSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "device is empty (expected cpu, cuda, cuda:N or auto)");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "cpu":
                return CPU;
            case "auto":
                return new DeviceSpec(Type.AUTO, 0, Map.of());
            case "cuda":
            case "gpu":
                return new DeviceSpec(Type.CUDA, 0, Map.of());
            default:
                if (t.startsWith("cuda:")) {
                    try {
                        return new DeviceSpec(Type.CUDA, Integer.parseInt(t.substring(5)), Map.of());
                    } catch (NumberFormatException e) {
                        // fall through to the error below
                    }
                }
                throw new Eo2SarException(Kind.INVALID_ARGUMENT,
                        "unknown device '" + text + "' (expected cpu, cuda, cuda:N or auto)");
        }
    }

    /** This device with the given CUDA provider options (replacing any earlier ones). */
    public DeviceSpec withCudaOptions(Map<String, String> options) {
        return new DeviceSpec(type, deviceId, options);
    }

    public boolean wantsCuda() {
        return type != Type.CPU;
    }

    @Override
    public String toString() {
        return switch (type) {
            case CPU -> "cpu";
            case AUTO -> "auto";
            case CUDA -> "cuda:" + deviceId;
        };
    }

    private static Map<String, String> validate(Map<String, String> options) {
        Map<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey().trim();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (key.equals("cudnn_conv_algo_search") && !ALGO_SEARCH.contains(value.toUpperCase(Locale.ROOT))) {
                throw new Eo2SarException(Kind.INVALID_ARGUMENT, "CUDA option cudnn_conv_algo_search must be one of "
                        + "EXHAUSTIVE, HEURISTIC, DEFAULT, got '" + value + "'");
            }
            if (key.equals("gpu_mem_limit")) {
                try {
                    if (Long.parseLong(value) <= 0) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException ex) {
                    throw new Eo2SarException(Kind.INVALID_ARGUMENT,
                            "CUDA option gpu_mem_limit must be a positive number of bytes, got '" + value + "'");
                }
            }
            copy.put(key, key.equals("cudnn_conv_algo_search") ? value.toUpperCase(Locale.ROOT) : value);
        }
        return java.util.Collections.unmodifiableMap(copy);
    }
}
