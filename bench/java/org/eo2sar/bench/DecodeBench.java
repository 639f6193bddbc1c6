package org.eo2sar.bench;

import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;

/**
 * Input decoding alone: every tile of a GeoTIFF decoded once, on one thread, REPS times (the first is
 * JIT warm-up), reporting wall and process CPU per pass.
 *
 * <pre>
 * DecodeBench INPUT.tif [REPS]
 * </pre>
 */
public final class DecodeBench {
    private DecodeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path in = Paths.get(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int rep = 0; rep < reps; rep++) {
            try (GeoRaster r = GeoTiffRasters.open(in)) { // a fresh open: no tile cached from the last pass
                RenderedImage img = r.image();
                long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
                long sum = 0;
                for (int ty = 0; ty < img.getNumYTiles(); ty++) {
                    for (int tx = 0; tx < img.getNumXTiles(); tx++) {
                        Raster t = img.getTile(img.getMinTileX() + tx, img.getMinTileY() + ty);
                        sum += t.getSample(t.getMinX(), t.getMinY(), 0);
                    }
                }
                System.out.printf(Locale.ROOT, "pass %d: %dx%dx%d, %d tiles: wall %.3f s, process CPU %.3f s (checksum %d)%n",
                        rep, img.getWidth(), img.getHeight(), img.getSampleModel().getNumBands(),
                        img.getNumXTiles() * img.getNumYTiles(), (System.nanoTime() - t0) / 1e9,
                        (os.getProcessCpuTime() - c0) / 1e9, sum);
            }
        }
    }
}
