package org.eo2sar.core.raster;

import static org.eo2sar.core.raster.GeoTiffRastersReadTest.raster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.Raster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JPEG-compressed TIFFs decode to the pixels GDAL decodes: each variant is written by GDAL from
 * RGB.byte.tif, then decoded by us and by GDAL (gdal_translate to an uncompressed file, read back),
 * and compared pixel by pixel. The JPEG decoders differ (the JDK's vs GDAL's libjpeg) only in the
 * rounding of the YCbCr to RGB step.
 */
class JpegTiffTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void requireGdal() {
        Assumptions.assumeTrue(GdalCrossCheckTest.gdalAvailable(),
                "gdal_translate is not installed: skipping the JPEG cross-check (apt-get install gdal-bin)");
    }

    static Path gdalTranslate(Path in, String name, String... options) throws IOException, InterruptedException {
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q"));
        cmd.addAll(List.of(options));
        cmd.add(in.toString());
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + ": " + log);
        return out;
    }

    /** Max and share of |ours - GDAL's| over every sample of the first {@code bands} bands. */
    static double[] compare(Path jpeg, int bands) throws Exception {
        Path decoded = gdalTranslate(jpeg, jpeg.getFileName() + ".gdal.tif", "-co", "COMPRESS=NONE", "-a_nodata", "none");
        try (GeoRaster ours = GeoTiffRasters.open(jpeg); GeoRaster gdal = GeoTiffRasters.open(decoded)) {
            assertEquals(gdal.info().width(), ours.info().width());
            assertEquals(gdal.info().height(), ours.info().height());
            assertEquals(gdal.info().georef().gridToCrs(), ours.info().georef().gridToCrs());
            Raster a = ours.image().getData();
            Raster b = gdal.image().getData();
            int max = 0;
            long off = 0, n = 0;
            for (int band = 0; band < bands; band++) {
                int[] x = a.getSamples(0, 0, a.getWidth(), a.getHeight(), band, (int[]) null);
                int[] y = b.getSamples(0, 0, b.getWidth(), b.getHeight(), band, (int[]) null);
                for (int i = 0; i < x.length; i++) {
                    int d = Math.abs(x[i] - y[i]);
                    max = Math.max(max, d);
                    off += d > 0 ? 1 : 0;
                    n++;
                }
            }
            return new double[] {max, off / (double) n};
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiled-ycbcr", "strips-rgb", "gray", "ycbcr-internal-mask"})
    void gdalJpegVariantsDecodeAsGdalDecodesThem(String variant) throws Exception {
        Path src = raster("RGB.byte.tif");
        Path jpeg = switch (variant) {
            // 128 px tiles over 300x260: partial tiles on the right and bottom edges
            case "tiled-ycbcr" -> gdalTranslate(src, variant + ".tif", "-srcwin", "200", "150", "300", "260",
                    "-co", "COMPRESS=JPEG", "-co", "PHOTOMETRIC=YCBCR", "-co", "TILED=YES",
                    "-co", "BLOCKXSIZE=128", "-co", "BLOCKYSIZE=128");
            case "strips-rgb" -> gdalTranslate(src, variant + ".tif", "-co", "COMPRESS=JPEG", "-co", "JPEG_QUALITY=60");
            case "gray" -> gdalTranslate(src, variant + ".tif", "-b", "2", "-co", "COMPRESS=JPEG", "-co", "TILED=YES");
            default -> gdalTranslate(src, variant + ".tif", "-srcwin", "200", "150", "300", "260", "-a_nodata", "none",
                    "-mask", "1", "--config", "GDAL_TIFF_INTERNAL_MASK", "YES", "-co", "COMPRESS=JPEG",
                    "-co", "PHOTOMETRIC=YCBCR", "-co", "TILED=YES");
        };
        int bands = variant.equals("gray") ? 1 : 3;
        double[] diff = compare(jpeg, bands);
        System.out.printf("JPEG %s: max |ours - GDAL| = %.0f, %.4f%% of samples differ%n", variant, diff[0],
                100 * diff[1]);
        if (variant.contains("ycbcr")) {
            assertTrue(diff[0] <= 1 && diff[1] < 0.01, variant + ": " + diff[0] + " / " + diff[1]);
        } else {
            assertEquals(0, diff[0], variant + ": no colour conversion, so the same decoded samples");
        }
        if (variant.equals("ycbcr-internal-mask")) {
            try (GeoRaster r = GeoTiffRasters.open(jpeg)) {
                assertEquals("Mask (GDAL internal mask)", r.info().bandLabels().get(3));
            }
        }
    }

    @Test
    void theRealOrthophotoCogDecodesAsGdalDecodesIt() throws Exception {
        double[] diff = compare(raster("cogeo.tif"), 3);
        assertTrue(diff[0] <= 1 && diff[1] < 0.01, diff[0] + " / " + diff[1]);
    }
}
