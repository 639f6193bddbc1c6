package org.eo2sar.core.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.eo2sar.core.FileTranslation;
import org.eo2sar.core.Progress;
import org.eo2sar.core.TranslateRequest;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.OutputType;
import org.eo2sar.core.pipeline.Stitch;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What GDAL (so QGIS) reads from our output: band description, unit, uint8 scale/offset, provenance. */
class OutputMetadataTest {
    static final Path MODEL = TestData.testModel("tiny-tileinvariant.onnx");
    static final Path IN = TestData.sharedData("rasters/RGB.byte.tif");

    @TempDir
    Path tmp;

    @BeforeAll
    static void requireGdal() {
        Assumptions.assumeTrue(GdalCrossCheckTest.gdalAvailable(), "gdalinfo is not installed (apt-get install gdal-bin)");
    }

    @Test
    void float32OutputNamesItsBandAndUnitAndSaysWhereItCameFrom() throws Exception {
        Path out = tmp.resolve("f.tif");
        try (OnnxGenerator g = OnnxGenerator.open(MODEL, DeviceSpec.CPU)) {
            FileTranslation.run(g, TranslateRequest.of(IN, out), Progress.NONE);
            JsonNode info = GdalCrossCheckTest.gdalinfo(out);
            assertEquals(g.card().outputBands().get(0), info.at("/bands/0/description").asText());
            assertEquals("dB", info.at("/bands/0/unit").asText());
            JsonNode md = info.at("/metadata/");
            assertEquals(g.card().name() + " " + g.card().version(), md.get("EO2SAR_MODEL").asText(), md.toString());
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(MODEL)));
            assertEquals(sha, md.get("EO2SAR_MODEL_SHA256").asText());
            assertEquals("RGB.byte.tif", md.get("EO2SAR_INPUT").asText());
            assertTrue(md.get("EO2SAR_CREATED").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), md.toString());
            assertTrue(md.has("EO2SAR_VERSION"));
            assertTrue(info.at("/bands/0/offset").isMissingNode(), "float32 output is in dB already");
            assertEquals("COG", info.at("/metadata/IMAGE_STRUCTURE/LAYOUT").asText(), "a Cloud Optimized GeoTIFF");
            assertEquals("[{\"size\":[396,359]},{\"size\":[198,180]}]", info.at("/bands/0/overviews").toString());
            Assumptions.assumeTrue(CogWriterTest.validatorAvailable(), "python3-gdal is not installed");
            CogWriterTest.assertValidCog(out);
        }
    }

    @Test
    void uint8OutputCarriesTheScaleAndOffsetBackToDb() throws Exception {
        Path out = tmp.resolve("u.tif");
        try (OnnxGenerator g = OnnxGenerator.open(MODEL, DeviceSpec.CPU)) {
            FileTranslation.run(g, new TranslateRequest(IN, out, null, 0, -1, 0, Stitch.CROP, OutputType.UINT8, null, null),
                    Progress.NONE);
        }
        JsonNode b = GdalCrossCheckTest.gdalinfo(out).at("/bands/0");
        double scale = b.get("scale").asDouble();
        double offset = b.get("offset").asDouble();
        // GDAL's unscaled value of every code equals the documented inverse mapping
        for (int v : new int[] {1, 128, 255}) {
            assertEquals(OutputType.fromUint8(v), v * scale + offset, 1e-9, "code " + v);
        }
        assertEquals(0, b.get("noDataValue").asInt());
        assertEquals("dB", b.get("unit").asText());
    }
}
