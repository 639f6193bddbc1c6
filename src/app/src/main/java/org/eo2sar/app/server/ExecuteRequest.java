package org.eo2sar.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eo2sar.app.TranslateParams;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.pipeline.TranslationOptions;

/**
 * A parsed OGC API execute request: {@code {"inputs": {...}, "outputs": {...}, "response": "document"|"raw"}}.
 * Inputs may be given plainly ({@code "tile": 256}) or qualified ({@code "tile": {"value": 256}}).
 *
 * @param href   the input raster reference, as the client wrote it
 * @param raw    true when the client asked for the GeoTIFF itself rather than a JSON document
 */
public record ExecuteRequest(String href, TranslateParams params, boolean raw) {
    private static final Set<String> KNOWN = Set.of("input", "bands", "tile", "margin", "batch", "blend",
            "outputType", "aoi", "aoiCrs");

    public static ExecuteRequest parse(JsonNode body, ModelCard card) {
        if (!body.isObject()) {
            throw ApiException.badRequest("the execute request must be a JSON object with 'inputs'");
        }
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isObject()) {
            throw ApiException.badRequest("the execute request needs an 'inputs' object");
        }
        for (Iterator<String> it = inputs.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!KNOWN.contains(name)) {
                throw ApiException.badRequest("unknown input '" + name + "'; known inputs: " + String.join(", ", KNOWN.stream().sorted().toList()));
            }
        }
        JsonNode response = body.get("response");
        boolean raw = response != null && response.isTextual() && response.asText().toLowerCase(Locale.ROOT).equals("raw");
        if (response != null && !raw && !(response.isTextual() && response.asText().equalsIgnoreCase("document"))) {
            throw ApiException.badRequest("'response' must be \"document\" or \"raw\"");
        }
        String href = href(inputs.get("input"));
        int[] bands = bands(unwrap(inputs.get("bands")), card);
        try {
            TranslateParams p = new TranslateParams(bands,
                    integer(inputs, "tile", 0), integer(inputs, "margin", TranslationOptions.DEFAULT_MARGIN), integer(inputs, "batch", 0),
                    blend(unwrap(inputs.get("blend"))), text(inputs, "outputType"), aoi(unwrap(inputs.get("aoi"))),
                    text(inputs, "aoiCrs"), 0, null);
            return new ExecuteRequest(href, p, raw);
        } catch (Eo2SarException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static String href(JsonNode in) {
        if (in == null || in.isNull()) {
            throw ApiException.badRequest("input 'input' is required: {\"href\": \"<file in a data directory>\"}");
        }
        if (in.isTextual()) {
            return in.asText();
        }
        if (in.isObject() && in.get("href") != null && in.get("href").isTextual()) {
            return in.get("href").asText();
        }
        if (in.isObject() && in.get("value") != null && in.get("value").isTextual()) {
            return in.get("value").asText();
        }
        throw ApiException.badRequest("input 'input' must be {\"href\": \"<file in a data directory>\"}; inline rasters are not accepted");
    }

    /** {@code {"value": x}} → x; anything else as is. */
    private static JsonNode unwrap(JsonNode n) {
        if (n != null && n.isObject() && n.has("value") && n.size() <= 2) {
            return n.get("value");
        }
        return n;
    }

    private static int[] bands(JsonNode n, ModelCard card) {
        if (n == null || n.isNull()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        if (n.isTextual()) {
            for (int b : TranslateParams.parseBands(n.asText())) {
                out.add(b);
            }
        } else if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isIntegralNumber() || !e.canConvertToInt()) { // 2^40+1 must not become band 1
                    throw ApiException.badRequest("input 'bands' must be a list of 1-based band numbers, got " + n);
                }
                out.add(e.asInt());
            }
        } else {
            throw ApiException.badRequest("input 'bands' must be a list of 1-based band numbers, got " + n);
        }
        int expected = card.inputBands().size();
        if (out.size() != expected) {
            throw ApiException.badRequest("input 'bands' has " + out.size() + " bands but model " + card.name()
                    + " takes " + expected + " " + card.inputBands());
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int integer(JsonNode inputs, String name, int absent) {
        JsonNode n = unwrap(inputs.get(name));
        if (n == null || n.isNull()) {
            return absent;
        }
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.asInt();
        }
        throw ApiException.badRequest("input '" + name + "' must be an integer, got " + n);
    }

    private static boolean blend(JsonNode n) {
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isTextual()) {
            switch (n.asText().toLowerCase(Locale.ROOT)) {
                case "feather", "true" -> {
                    return true;
                }
                case "crop", "false" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw ApiException.badRequest("input 'blend' must be true or false, got " + n);
    }

    private static String text(JsonNode inputs, String name) {
        JsonNode n = unwrap(inputs.get(name));
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("input '" + name + "' must be a string, got " + n);
        }
        return n.asText();
    }

    /** A WKT/GeoJSON string, or a GeoJSON geometry object passed on as its JSON text. */
    private static String aoi(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isObject() && n.has("type")) {
            return n.toString();
        }
        throw ApiException.badRequest("input 'aoi' must be WKT, a GeoJSON string or a GeoJSON geometry object");
    }

}
