package org.eo2sar.bench;

import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.BandedSampleModel;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Vector;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.WriteOptions;

/**
 * Output-writer throughput, inference excluded: a float32 dB raster (a real model output, mirrored
 * to SIZE x SIZE and held in memory) written as Apache SIS's tiled GeoTIFF and as our COG with
 * overviews, each REPS times.
 *
 * <pre>
 * WriteBench FLOAT32_DB.tif SIZE OUT_DIR [REPS [DEFLATE_LEVEL]]
 * </pre>
 */
public final class WriteBench {
    private WriteBench() {
    }

    public static void main(String[] args) throws Exception {
        Path in = Paths.get(args[0]);
        int size = Integer.parseInt(args[1]);
        Path dir = Paths.get(args[2]);
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int level = args.length > 4 ? Integer.parseInt(args[4]) : WriteOptions.defaults().deflateLevel();
        try (GeoRaster src = GeoTiffRasters.open(in)) {
            Raster all = src.image().getData();
            int w = all.getWidth();
            int h = all.getHeight();
            float[] v = all.getSamples(all.getMinX(), all.getMinY(), w, h, 0, (float[]) null);
            RenderedImage image = new Mirrored(v, w, h, size, 256);
            System.out.printf(Locale.ROOT, "source %s %dx%d mirrored to %dx%d float32, deflate level %d, %d cores%n",
                    in.getFileName(), w, h, size, size, level, Runtime.getRuntime().availableProcessors());
            for (int r = 0; r < reps; r++) {
                for (WriteOptions.Layout layout : WriteOptions.Layout.values()) {
                    Path out = dir.resolve("write-" + layout.name().toLowerCase(Locale.ROOT) + ".tif");
                    Files.deleteIfExists(out);
                    double cpu0 = cpuSeconds();
                    long t0 = System.nanoTime();
                    GeoTiffRasters.write(image, src.info().georef(), out, WriteOptions.defaults().withDeflateLevel(level).withLayout(layout));
                    double s = (System.nanoTime() - t0) / 1e9;
                    double cpu = cpuSeconds() - cpu0;
                    System.out.printf(Locale.ROOT, "%-5s %6.2f s wall, %6.2f s CPU, %6.1f Mpix/s, %7.1f MB%n", layout, s, cpu,
                            (double) size * size / s / 1e6, Files.size(out) / 1e6);
                }
            }
        }
    }

    private static double cpuSeconds() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() / 1e9;
    }

    /** The source values repeated by mirroring, in tiles copied on demand (cheap next to compression). */
    private static final class Mirrored implements RenderedImage {
        private final float[] v;
        private final int w;
        private final int h;
        private final int size;
        private final int tile;
        private final SampleModel sm;

        Mirrored(float[] v, int w, int h, int size, int tile) {
            this.v = v;
            this.w = w;
            this.h = h;
            this.size = size;
            this.tile = tile;
            this.sm = new BandedSampleModel(DataBuffer.TYPE_FLOAT, tile, tile, 1);
        }

        private static int mirror(int i, int n) {
            int p = i % (2 * n);
            return p < n ? p : 2 * n - 1 - p;
        }

        @Override
        public Raster getTile(int tx, int ty) {
            WritableRaster r = Raster.createWritableRaster(sm, new Point(tx * tile, ty * tile));
            float[] row = new float[tile];
            for (int y = 0; y < tile; y++) {
                int sy = mirror(ty * tile + y, h);
                for (int x = 0; x < tile; x++) {
                    row[x] = v[sy * w + mirror(tx * tile + x, w)];
                }
                r.setSamples(tx * tile, ty * tile + y, tile, 1, 0, row);
            }
            return r;
        }

        @Override public Raster getData() { return getData(new Rectangle(0, 0, size, size)); }
        @Override public Raster getData(Rectangle rect) {
            WritableRaster r = Raster.createWritableRaster(sm.createCompatibleSampleModel(rect.width, rect.height),
                    rect.getLocation());
            return copyData(r);
        }
        @Override public WritableRaster copyData(WritableRaster r) {
            for (int y = r.getMinY(); y < r.getMinY() + r.getHeight(); y++) {
                for (int x = r.getMinX(); x < r.getMinX() + r.getWidth(); x++) {
                    r.setSample(x, y, 0, v[mirror(y, h) * w + mirror(x, w)]);
                }
            }
            return r;
        }
        @Override public Vector<RenderedImage> getSources() { return null; }
        @Override public Object getProperty(String name) { return java.awt.Image.UndefinedProperty; }
        @Override public String[] getPropertyNames() { return null; }
        @Override public ColorModel getColorModel() { return null; }
        @Override public SampleModel getSampleModel() { return sm; }
        @Override public int getWidth() { return size; }
        @Override public int getHeight() { return size; }
        @Override public int getMinX() { return 0; }
        @Override public int getMinY() { return 0; }
        @Override public int getNumXTiles() { return (size + tile - 1) / tile; }
        @Override public int getNumYTiles() { return (size + tile - 1) / tile; }
        @Override public int getMinTileX() { return 0; }
        @Override public int getMinTileY() { return 0; }
        @Override public int getTileWidth() { return tile; }
        @Override public int getTileHeight() { return tile; }
        @Override public int getTileGridXOffset() { return 0; }
        @Override public int getTileGridYOffset() { return 0; }
    }
}
