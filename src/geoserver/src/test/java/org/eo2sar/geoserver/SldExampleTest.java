package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eo2sar.core.testsupport.TestData;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.process.factory.DescribeParameter;
import org.geotools.process.factory.DescribeProcess;
import org.geotools.process.factory.DescribeResult;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The documented SLD calls the process by its real name and only with parameters the process
 * declares, and the process carries the annotations GeoServer's factory reads.
 */
class SldExampleTest {
    static final String OGC = "http://www.opengis.net/ogc";

    static Method execute() {
        for (Method m : TranslateProcess.class.getMethods()) {
            if (m.getName().equals("execute")) {
                return m;
            }
        }
        throw new AssertionError("no execute method");
    }

    static Set<String> declaredParameters() {
        Set<String> names = new HashSet<>();
        for (Parameter p : execute().getParameters()) {
            DescribeParameter d = p.getAnnotation(DescribeParameter.class);
            if (d != null) {
                names.add(d.name());
            }
        }
        return names;
    }

    @Test
    void processIsAnnotatedForGeoServer() {
        assertNotNull(TranslateProcess.class.getAnnotation(DescribeProcess.class));
        assertNotNull(ModelsProcess.class.getAnnotation(DescribeProcess.class));
        DescribeResult result = execute().getAnnotation(DescribeResult.class);
        assertEquals(GridCoverage2D.class, result.type());
        assertEquals(Set.of("data", "model", "bands", "device", "tile", "margin", "blend", "outputType", "roi"),
                declaredParameters());
        assertTrue(Eo2SarProcess.class.isAssignableFrom(TranslateProcess.class));
    }

    @Test
    void sldUsesTheProcessAsARenderingTransformation() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document sld = f.newDocumentBuilder().parse(TestData.repoRoot().resolve("docs/sld/eo2sar-translate.sld").toFile());
        NodeList functions = sld.getElementsByTagNameNS(OGC, "Function");
        Element translate = (Element) functions.item(0);
        assertEquals("eo2sar:Translate", translate.getAttribute("name"));
        assertEquals("Transformation", translate.getParentNode().getLocalName());
        List<String> used = new ArrayList<>();
        NodeList params = translate.getElementsByTagNameNS(OGC, "Function");
        for (int i = 0; i < params.getLength(); i++) {
            Element p = (Element) params.item(i);
            assertEquals("parameter", p.getAttribute("name"));
            used.add(p.getElementsByTagNameNS(OGC, "Literal").item(0).getTextContent().trim());
        }
        assertEquals("data", used.get(0), "the coverage goes in as 'data'");
        assertTrue(used.contains("model"));
        assertTrue(declaredParameters().containsAll(used), "SLD uses " + used + ", process declares "
                + declaredParameters());
    }
}
