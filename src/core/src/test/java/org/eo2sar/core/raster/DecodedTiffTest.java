package org.eo2sar.core.raster;

import static org.eo2sar.core.raster.GeoTiffRastersReadTest.raster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.Raster;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
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
 * The encodings Apache SIS cannot decode (JPEG, ZSTD, the floating-point predictor) decode to the
 * pixels GDAL decodes: each variant is written by GDAL from RGB.byte.tif, then decoded by us and by
 * GDAL (gdal_translate to an uncompressed file, read back), and compared sample by sample. The JPEG
 * decoders differ (the JDK's vs GDAL's libjpeg) at most in the rounding of the YCbCr to RGB step.
 */
class DecodedTiffTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void requireGdal() {
        Assumptions.assumeTrue(GdalCrossCheckTest.gdalAvailable(),
                "gdal_translate is not installed: skipping the decoding cross-check (apt-get install gdal-bin)");
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

    /** Max and share of |ours - GDAL's| over every sample of the first {@code bands} bands (NaN = NaN). */
    static double[] compare(Path jpeg, int bands) throws Exception {
        Path decoded = gdalTranslate(jpeg, jpeg.getFileName() + ".gdal.tif", "-co", "COMPRESS=NONE", "-a_nodata", "none");
        try (GeoRaster ours = GeoTiffRasters.open(jpeg); GeoRaster gdal = GeoTiffRasters.open(decoded)) {
            assertEquals(gdal.info().width(), ours.info().width());
            assertEquals(gdal.info().height(), ours.info().height());
            assertEquals(gdal.info().georef().gridToCrs(), ours.info().georef().gridToCrs());
            Raster a = ours.image().getData();
            Raster b = gdal.image().getData();
            assertEquals(gdal.info().dataType(), ours.info().dataType());
            double max = 0;
            long off = 0, n = 0;
            for (int band = 0; band < bands; band++) {
                double[] x = a.getSamples(0, 0, a.getWidth(), a.getHeight(), band, (double[]) null);
                double[] y = b.getSamples(0, 0, b.getWidth(), b.getHeight(), band, (double[]) null);
                for (int i = 0; i < x.length; i++) {
                    double d = Double.isNaN(x[i]) && Double.isNaN(y[i]) ? 0 : Math.abs(x[i] - y[i]);
                    max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
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

    @ParameterizedTest
    @ValueSource(strings = {"zstd-uint8-p2-tiled", "zstd-uint16-p2-strips", "zstd-int16-p2", "zstd-float32-p3-tiled",
        "deflate-float32-p3-strips", "zstd-float64-p3", "zstd-float32-p1-3bands",
        // Deflate that SIS could decode too, but ours needs less CPU: the same samples as GDAL's
        "deflate-uint8-p1-tiled", "deflate-uint16-p2-strips", "deflate-int16-p2", "deflate-uint8-p2-3bands"})
    void zstdAndFloatPredictorVariantsDecodeExactlyAsGdalDecodesThem(String variant) throws Exception {
        String[] p = variant.split("-");
        List<String> opts = new ArrayList<>(List.of("-srcwin", "100", "80", "300", "260",
                "-co", "COMPRESS=" + p[0].toUpperCase(), "-co", "PREDICTOR=" + p[2].substring(1)));
        switch (p[1]) { // scaled so that the values use the type's range, negatives included
            case "uint16" -> opts.addAll(List.of("-ot", "UInt16", "-scale", "0", "255", "0", "65000"));
            case "int16" -> opts.addAll(List.of("-ot", "Int16", "-scale", "0", "255", "-30000", "30000"));
            case "float32" -> opts.addAll(List.of("-ot", "Float32", "-scale", "0", "255", "-31.7", "4.25"));
            case "float64" -> opts.addAll(List.of("-ot", "Float64", "-scale", "0", "255", "-1e6", "3e-3"));
            default -> { }
        }
        if (variant.endsWith("tiled")) { // 128 px tiles over 300 x 260: partial tiles at the right and bottom
            opts.addAll(List.of("-co", "TILED=YES", "-co", "BLOCKXSIZE=128", "-co", "BLOCKYSIZE=128"));
        } else if (variant.endsWith("strips")) {
            opts.addAll(List.of("-co", "BLOCKYSIZE=7")); // 260 rows: a last strip of 1 row
        } else {
            opts.addAll(List.of("-co", "TILED=YES"));
        }
        if (!variant.endsWith("3bands")) {
            opts.addAll(0, List.of("-b", "2"));
        }
        Path file = gdalTranslate(raster("RGB.byte.tif"), variant + ".tif", opts.toArray(String[]::new));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertTrue(DecodedTiffImage.decodesFile(TiffDirectory.read(ch), TiffInspector.inspect(file)),
                    variant + " is decoded by us");
        }
        double[] diff = compare(file, variant.endsWith("3bands") ? 3 : 1);
        assertEquals(0, diff[0], variant + ": lossless codecs decode to the very same samples");
    }

    @Test
    void theRealOrthophotoCogDecodesAsGdalDecodesIt() throws Exception {
        double[] diff = compare(raster("cogeo.tif"), 3);
        assertTrue(diff[0] <= 1 && diff[1] < 0.01, diff[0] + " / " + diff[1]);
    }
}
