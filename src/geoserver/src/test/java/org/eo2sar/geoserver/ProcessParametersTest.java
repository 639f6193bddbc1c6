package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.geotools.api.data.Parameter;
import org.geotools.api.feature.type.Name;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.process.factory.AnnotatedBeanProcessFactory;
import org.geotools.util.SimpleInternationalString;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;

/**
 * The WPS description GeoServer publishes for eo2sar:Translate, as the real GeoTools
 * AnnotatedBeanProcessFactory derives it from the annotations: names, types, defaults, occurrences.
 */
class ProcessParametersTest {
    private final AnnotatedBeanProcessFactory factory =
            new AnnotatedBeanProcessFactory(new SimpleInternationalString("eo2sar"), "eo2sar", TranslateProcess.class);

    @Test
    void translateParametersAreWhatTheDocsPromise() {
        Name name = factory.getNames().stream().filter(n -> n.getLocalPart().equals("Translate")).findFirst().orElseThrow();
        assertEquals("eo2sar", name.getNamespaceURI());
        Map<String, Parameter<?>> in = factory.getParameterInfo(name);
        assertEquals(List.of("data", "model", "bands", "device", "tile", "margin", "blend", "outputType", "roi"),
                List.copyOf(in.keySet()), "order as GeoServer lists them");
        assertEquals(GridCoverage2D.class, in.get("data").type);
        assertEquals(1, in.get("data").minOccurs);
        assertEquals(String.class, in.get("model").type);
        assertEquals(1, in.get("model").minOccurs, "required, as docs/geoserver.md says");
        assertEquals(Geometry.class, in.get("roi").type);
        assertEquals(Integer.class, in.get("tile").type);
        for (String optional : List.of("bands", "device", "tile", "margin", "blend", "outputType", "roi")) {
            assertEquals(0, in.get(optional).minOccurs, optional);
            assertEquals(1, in.get(optional).maxOccurs, optional);
        }
        assertEquals(Boolean.FALSE, in.get("blend").getDefaultValue());
        assertEquals("float32", in.get("outputType").getDefaultValue());
        assertNull(in.get("tile").getDefaultValue(), "no default: the model card's tile size");
        assertFalse(in.get("bands").getDescription().toString().isBlank());

        Map<String, Parameter<?>> out = factory.getResultInfo(name, null);
        assertEquals(1, out.size());
        assertTrue(GridCoverage2D.class.isAssignableFrom(out.values().iterator().next().type), out.toString());
    }
}
