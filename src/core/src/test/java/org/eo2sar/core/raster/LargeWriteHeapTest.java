package org.eo2sar.core.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer pulls tiles one at a time: a 256 MiB float image must be writable by a JVM whose
 * whole heap is 96 MiB. Runs in a child JVM so the heap limit is real.
 */
class LargeWriteHeapTest {
    @TempDir
    Path dir;

    @Test
    void writes256MibImageWith96MibHeap() throws Exception {
        Path out = dir.resolve("large.tif");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                LargeWriteHeapCheck.class.getName(), out.toString()))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "hang guard");
        System.out.println(output.strip());
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("wrote 8192x8192 float32"), output);
        try (GeoRaster back = GeoTiffRasters.open(out)) {
            assertEquals(8192, back.info().width());
            assertEquals(RasterDataType.FLOAT32, back.info().dataType());
            assertEquals(LargeWriteHeapCheck.value(5000, 7000), back.image().getTile(9, 13).getSampleFloat(5000, 7000, 0));
        }
    }
}
