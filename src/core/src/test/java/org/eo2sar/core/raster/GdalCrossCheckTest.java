package org.eo2sar.core.raster;

import static org.eo2sar.core.raster.GeoTiffRastersReadTest.raster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.geom.AffineTransform;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Assumptions;

/** GDAL (a real, independent reader) must see our outputs exactly as it sees the inputs. */
class GdalCrossCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireGdal() {
        Assumptions.assumeTrue(gdalAvailable(),
                "gdalinfo is not installed: skipping the GDAL cross-check (apt-get install gdal-bin)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RGB.byte.tif", "world.rgb.tif", "float_raster_with_nodata.tif", "all-nodata.tif"})
    void gdalSeesTheSameSizeCrsAndGeotransform(String name) throws Exception {
        Path out = dir.resolve(name);
        try (GeoRaster in = GeoTiffRasters.open(raster(name))) {
            GeoTiffRasters.write(in.image(), in.info().georef(), out,
                    in.info().nodata().isPresent()
                            ? WriteOptions.defaults().withNodata(in.info().nodata().getAsDouble())
                            : WriteOptions.defaults());
        }
        JsonNode a = gdalinfo(raster(name));
        JsonNode b = gdalinfo(out);
        assertEquals(a.get("size"), b.get("size"));
        assertEquals(a.get("geoTransform"), b.get("geoTransform"));
        assertEquals(a.at("/coordinateSystem/wkt"), b.at("/coordinateSystem/wkt"));
        assertEquals(a.at("/bands/0/noDataValue"), b.at("/bands/0/noDataValue"));
        assertEquals(a.get("bands").size(), b.get("bands").size());
        assertEquals(a.at("/bands/0/type"), b.at("/bands/0/type"));
        assertEquals("DEFLATE", b.at("/metadata/IMAGE_STRUCTURE/COMPRESSION").asText());
    }

    @ParameterizedTest
    @ValueSource(ints = {4326, 3857, 32618})
    void syntheticEpsgGeoreferencingIsWhatGdalReads(int epsg) throws Exception {
        Path out = dir.resolve("epsg" + epsg + ".tif");
        var g2c = epsg == 4326 ? new AffineTransform(0.001, 0, 0, -0.001, 2.25, 48.75)
                : new AffineTransform(0.6, 0, 0, -0.6, 14321853.115736904, 4533021.525424092);
        var image = new FunctionImage(128, 96, 3, DataBuffer.TYPE_BYTE, 32, (x, y, b) -> (x * (b + 1) + y) % 251);
        GeoTiffRasters.write(image, Georeferencing.of(g2c, epsg), out);
        JsonNode info = gdalinfo(out);
        assertTrue(info.at("/coordinateSystem/wkt").asText().endsWith("ID[\"EPSG\"," + epsg + "]]"),
                info.at("/coordinateSystem/wkt").asText());
        double[] gt = JSON.convertValue(info.get("geoTransform"), double[].class);
        assertEquals(g2c.getTranslateX(), gt[0]);
        assertEquals(g2c.getScaleX(), gt[1]);
        assertEquals(g2c.getTranslateY(), gt[3]);
        assertEquals(g2c.getScaleY(), gt[5]);
        try (GeoRaster back = GeoTiffRasters.open(out)) {
            assertEquals(g2c, back.info().georef().gridToCrs());
            assertEquals(java.util.OptionalInt.of(epsg), back.info().georef().epsg());
        }
    }

    @Test
    void gdalReadsSyntheticEpsgFloatOutputWithNanNodata() throws Exception {
        Path out = dir.resolve("synthetic.tif");
        var image = new FunctionImage(300, 200, 1, DataBuffer.TYPE_FLOAT, 64, (x, y, b) -> x - y);
        GeoTiffRasters.write(image, Georeferencing.of(new AffineTransform(10, 0, 0, -10, 500000, 4100000), 32618), out);
        JsonNode b = gdalinfo(out);
        assertEquals("[300,200]", b.get("size").toString());
        assertEquals("[500000.0,10.0,0.0,4100000.0,0.0,-10.0]", b.get("geoTransform").toString());
        assertTrue(b.at("/coordinateSystem/wkt").asText().contains("ID[\"EPSG\",32618]"), b.toString());
        assertEquals("NaN", b.at("/bands/0/noDataValue").asText());
        assertEquals("[64,64]", b.at("/bands/0/block").toString(), "tiled");
    }

    static boolean gdalAvailable() {
        try {
            Process p = new ProcessBuilder("gdalinfo", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static JsonNode gdalinfo(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("gdalinfo", "-json", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gdalinfo finished");
        assertEquals(0, p.exitValue(), () -> "gdalinfo failed on " + file + ": " + err);
        return JSON.readTree(out);
    }
}
