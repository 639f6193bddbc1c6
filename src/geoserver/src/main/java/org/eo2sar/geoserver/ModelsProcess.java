package org.eo2sar.geoserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.model.ModelCard;
import org.geotools.process.ProcessException;
import org.geotools.process.factory.DescribeProcess;
import org.geotools.process.factory.DescribeResult;

/** {@code eo2sar:Models}: what {@code eo2sar:Translate} can use, read from each model's card. */
@DescribeProcess(title = "EO to SAR models",
        description = "Lists the generators in the eo2sar model directory with their input and output bands, "
                + "unit, tile size and margin, as a JSON array")
public class ModelsProcess implements Eo2SarProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelRegistry registry;

    public ModelsProcess(ModelRegistry registry) {
        this.registry = registry;
    }

    @DescribeResult(name = "models", type = String.class,
            description = "JSON array: one object per model (name, version, description, inputBands, outputBands, "
                    + "unit, tileSize, tileMargin, tileMultiple, gsd, tileInvariant), or name + error when unusable")
    public String execute() throws ProcessException {
        ArrayNode list = JSON.createArrayNode();
        try {
            for (ModelRegistry.Entry e : registry.entries()) {
                ObjectNode o = list.addObject().put("name", e.name());
                if (e.generator() == null) {
                    o.put("error", e.error());
                    continue;
                }
                ModelCard c = e.generator().card();
                o.put("version", c.version()).put("description", c.description());
                c.inputBands().forEach(o.putArray("inputBands")::add);
                c.outputBands().forEach(o.putArray("outputBands")::add);
                o.put("unit", c.outputUnit()).put("tileSize", c.tileSize()).put("tileMargin", c.tileMargin())
                        .put("tileMultiple", c.tileMultiple()).put("tileInvariant", c.tileInvariant());
                if (Double.isNaN(c.gsd())) {
                    o.putNull("gsd");
                } else {
                    o.put("gsd", c.gsd());
                }
            }
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list);
        } catch (Eo2SarException | JsonProcessingException e) {
            throw new ProcessException("eo2sar:Models: " + e.getMessage(), e);
        }
    }
}
