package org.eo2sar.core.raster;

import java.awt.geom.AffineTransform;
import java.awt.image.DataBuffer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a lazily computed 8192 x 8192 float32 image (256 MiB of pixels) and prints the peak heap.
 * Run in a child JVM with a heap far smaller than the image by {@link LargeWriteHeapTest}; also
 * usable by hand: {@code java -Xmx96m -cp ... org.eo2sar.core.raster.LargeWriteHeapCheck out.tif}.
 */
public final class LargeWriteHeapCheck {
    private LargeWriteHeapCheck() {
    }

    /** Smooth dB-like values rounded to 1/8 dB, so Deflate has something to compress. */
    static float value(int x, int y) {
        return Math.round((Math.sin(x * 0.001) * Math.cos(y * 0.002) * 20 - 12) * 8) / 8f;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 8192;
        var image = new FunctionImage(size, size, 1, DataBuffer.TYPE_FLOAT, 512,
                (x, y, b) -> value(x, y));
        long t0 = System.nanoTime();
        GeoTiffRasters.write(image, Georeferencing.of(new AffineTransform(10, 0, 0, -10, 300000, 5000000), 32633),
                out, WriteOptions.defaults().withDeflateLevel(1));
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("wrote %dx%d float32 (%d MiB of pixels) in %.1f s; file %d MiB; peak heap %d MiB; max heap %d MiB%n",
                size, size, (long) size * size * 4 >> 20, (System.nanoTime() - t0) / 1e9, Files.size(out) >> 20,
                peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }
}
