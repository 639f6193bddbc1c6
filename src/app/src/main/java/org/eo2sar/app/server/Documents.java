package org.eo2sar.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.eo2sar.core.model.ModelCard;

/** The JSON documents of OGC API – Processes – Part 1 that the server answers with. */
final class Documents {
    static final String GEOTIFF = "image/tiff; application=geotiff";
    static final String OPENAPI = "application/vnd.oai.openapi+json;version=3.0";
    static final String RESULT_FILE = "result.tif";
    private static final String CONF = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/";
    private static final String REL = "http://www.opengis.net/def/rel/ogc/1.0/";

    private Documents() {
    }

    static ObjectNode landing(String base) {
        ObjectNode n = Json.object()
                .put("title", "EO2SAR")
                .put("description", "Optical (EO) to SAR-like raster translation with ONNX generators (OGC API - Processes)");
        ArrayNode links = n.putArray("links");
        links.add(Json.link(base + "/", "self", Json.TYPE, "this document"));
        links.add(Json.link(base + "/api", "service-desc", OPENAPI, "the API definition"));
        links.add(Json.link(base + "/conformance", "http://www.opengis.net/def/rel/ogc/1.0/conformance", Json.TYPE,
                "conformance classes"));
        links.add(Json.link(base + "/processes", REL + "processes", Json.TYPE, "processes (one per model)"));
        links.add(Json.link(base + "/jobs", REL + "job-list", Json.TYPE, "jobs"));
        return n;
    }

    static ObjectNode conformance() {
        ObjectNode n = Json.object();
        ArrayNode c = n.putArray("conformsTo");
        for (String s : List.of("core", "ogc-process-description", "json", "oas30", "job-list", "dismiss")) {
            c.add(CONF + s);
        }
        return n;
    }

    static ObjectNode processSummary(String base, String id, ModelCard card) {
        ObjectNode n = Json.object()
                .put("id", id)
                .put("title", "Translate EO to " + String.join("/", card.outputBands()) + " (" + card.name() + ")")
                .put("description", card.description().isBlank()
                        ? "Translates a georeferenced optical raster with model " + card.name()
                        : card.description())
                .put("version", card.version());
        ArrayNode jc = n.putArray("jobControlOptions");
        jc.add("sync-execute").add("async-execute").add("dismiss");
        n.putArray("outputTransmission").add("reference");
        ArrayNode links = n.putArray("links");
        links.add(Json.link(base + "/processes/" + id, "self", Json.TYPE, "process description"));
        links.add(Json.link(base + "/processes/" + id + "/execution", REL + "execute", Json.TYPE, "execute"));
        return n;
    }

    /** The process description: inputs and their defaults come from the model card. */
    static ObjectNode processDescription(String base, String id, ModelCard card) {
        ObjectNode n = processSummary(base, id, card);
        ObjectNode inputs = n.putObject("inputs");
        int bands = card.inputBands().size();

        ObjectNode input = input(inputs, "input", "EO raster",
                "GeoTIFF by reference: {\"href\": \"<file name relative to a data directory>\"}. Its bands "
                        + "(after 'bands') must be " + card.inputBands() + ".", 1);
        input.putObject("schema").put("type", "string").put("format", "uri").put("contentMediaType", GEOTIFF);

        ObjectNode b = input(inputs, "bands", "Band selection",
                "1-based source bands in model order " + card.inputBands() + ", e.g. [3,2,1]; default the first "
                        + bands + " bands", 0);
        b.putObject("schema").put("type", "array").put("minItems", bands).put("maxItems", bands)
                .putObject("items").put("type", "integer").put("minimum", 1);

        ObjectNode t = input(inputs, "tile", "Tile size (px)",
                "core tile edge in pixels; a multiple of " + card.tileMultiple(), 0);
        t.putObject("schema").put("type", "integer").put("minimum", card.tileMultiple())
                .put("multipleOf", card.tileMultiple()).put("default", card.tileSize());

        ObjectNode m = input(inputs, "margin", "Context margin (px)",
                "context read around each tile and cropped (or blended) away; a multiple of " + card.tileMultiple()
                        + "; 0 = no margin; default the model card's " + card.tileMargin(), 0);
        m.putObject("schema").put("type", "integer").put("minimum", 0)
                .put("multipleOf", card.tileMultiple()).put("default", card.tileMargin());

        ObjectNode bt = input(inputs, "batch", "Batch size",
                "tiles per inference call; default 1 on CPU, 4 on CUDA (a fixed-batch model uses its own)", 0);
        bt.putObject("schema").put("type", "integer").put("minimum", 1);

        ObjectNode bl = input(inputs, "blend", "Feather-blend overlaps",
                "true: blend overlapping margins; false: crop margins", 0);
        bl.putObject("schema").put("type", "boolean").put("default", false);

        ObjectNode ot = input(inputs, "outputType", "Output data type",
                "float32 in " + card.outputUnit() + " (nodata NaN), or uint8 scaled for display (nodata 0)", 0);
        ot.putObject("schema").put("type", "string").put("default", "float32").putArray("enum").add("float32").add("uint8");

        ObjectNode aoi = input(inputs, "aoi", "Area of interest",
                "WKT or GeoJSON polygon (string or GeoJSON geometry object); tiles outside are skipped and "
                        + "pixels outside are nodata", 0);
        ArrayNode oneOf = aoi.putObject("schema").putArray("oneOf");
        oneOf.addObject().put("type", "string");
        oneOf.addObject().put("type", "object").put("format", "geojson-geometry");

        ObjectNode crs = input(inputs, "aoiCrs", "CRS of the area of interest",
                "e.g. EPSG:4326; default the raster's CRS", 0);
        crs.putObject("schema").put("type", "string");

        ObjectNode outputs = n.putObject("outputs");
        ObjectNode result = outputs.putObject("result");
        result.put("title", "SAR-like raster")
                .put("description", "GeoTIFF on the input's grid, bands " + card.outputBands() + " in "
                        + card.outputUnit() + ", readable straight from its URL (HTTP ranges)");
        result.putObject("schema").put("type", "string").put("contentEncoding", "binary").put("contentMediaType", GEOTIFF);

        n.set("modelCard", modelCard(card));
        return n;
    }

    private static ObjectNode input(ObjectNode inputs, String name, String title, String description, int minOccurs) {
        return inputs.putObject(name).put("title", title).put("description", description)
                .put("minOccurs", minOccurs).put("maxOccurs", 1);
    }

    static ObjectNode modelCard(ModelCard c) {
        ObjectNode n = Json.object().put("name", c.name()).put("version", c.version()).put("description", c.description());
        ArrayNode ib = n.putArray("inputBands");
        c.inputBands().forEach(ib::add);
        ArrayNode ob = n.putArray("outputBands");
        c.outputBands().forEach(ob::add);
        n.put("outputUnit", c.outputUnit()).put("tileMultiple", c.tileMultiple()).put("tileSize", c.tileSize())
                .put("tileMargin", c.tileMargin()).put("tileInvariant", c.tileInvariant());
        if (!Double.isNaN(c.gsd())) {
            n.put("gsd", c.gsd());
        }
        return n;
    }

    static ObjectNode statusInfo(String base, Job job) {
        ObjectNode n = Json.object()
                .put("jobID", job.id())
                .put("processID", job.processId())
                .put("type", "process")
                .put("status", job.status().code())
                .put("message", job.message())
                .put("progress", job.percent());
        n.put("created", job.created().toString());
        putTime(n, "started", job.started());
        putTime(n, "finished", job.finished());
        n.put("updated", Instant.now().toString());
        if (job.outcome() != null && job.outcome().summaryJson() != null) {
            n.set("summary", parseOrText(job.outcome().summaryJson()));
        }
        ArrayNode links = n.putArray("links");
        links.add(Json.link(base + "/jobs/" + job.id(), "self", Json.TYPE, "job status"));
        if (job.status() == Job.Status.SUCCESSFUL) {
            links.add(Json.link(base + "/jobs/" + job.id() + "/results", REL + "results", Json.TYPE, "results"));
            links.add(Json.link(resultHref(base, job), "enclosure", GEOTIFF, "the translated raster"));
        }
        return n;
    }

    static ObjectNode results(String base, Job job) {
        ObjectNode n = Json.object();
        n.putObject("result").put("href", resultHref(base, job)).put("type", GEOTIFF);
        return n;
    }

    static String resultHref(String base, Job job) {
        return base + "/jobs/" + job.id() + "/results/" + RESULT_FILE;
    }

    static ObjectNode jobList(String base, List<Job> jobs) {
        ObjectNode n = Json.object();
        ArrayNode a = n.putArray("jobs");
        jobs.forEach(j -> a.add(statusInfo(base, j)));
        n.putArray("links").add(Json.link(base + "/jobs", "self", Json.TYPE, "jobs"));
        return n;
    }

    private static void putTime(ObjectNode n, String key, Instant t) {
        if (t != null) {
            n.put(key, t.toString());
        }
    }

    private static JsonNode parseOrText(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(json);
        }
    }
}
