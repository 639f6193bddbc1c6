package org.eo2sar.core.raster;

import java.awt.Rectangle;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

/**
 * Writes a Cloud Optimized GeoTIFF the way GDAL's COG driver lays one out, so that GDAL's own
 * validator ({@code validate_cloud_optimized_geotiff.py --full-check=yes}) accepts it: a ghost
 * header ({@code LAYOUT=IFDS_BEFORE_DATA}, {@code BLOCK_ORDER=ROW_MAJOR}, 4-byte size leader and
 * repeated-last-4-bytes trailer around every block), then the full-resolution IFD and one
 * reduced-resolution IFD per overview level, then the blocks, smallest overview first.
 *
 * <p>Overviews halve the size until one block holds the level; each pixel is the mean, in linear
 * power, of the valid (not nodata, not NaN) pixels of its 2x2 parent pixels, so a zoomed-out view
 * shows the mean backscatter instead of the moire of nearest-neighbour decimation. Values are dB:
 * float32 samples directly, uint8 codes through their GDAL scale/offset (0 = nodata).
 *
 * <p>One pass over the image in its own tile order (each source tile is asked for once, in the
 * row-major order the translation prefetches), full-width strips of one block row per level, blocks
 * Deflate-compressed on a pool of all cores (off the threads that compute the tiles) and spooled in
 * order to a temporary file beside the output; the final file is then assembled from the spool.
 * Uncompressed blocks have known sizes, so their layout is fixed before the first tile: they go
 * straight to their place in the output, which is then neither spooled nor copied (half the disk).
 * Memory: (block + tile height) x width x bands x 4 bytes for the full resolution and 1.5 blocks x
 * width x bands x 4 bytes for all overviews together (their widths halve), e.g. 56 MB for a 16384 px
 * wide single-band float32 raster with 196 px tiles.
 */
final class CogWriter {
    static final int BLOCK = 256;
    private static final int TAG_NEW_SUBFILE_TYPE = 254;
    private static final int TAG_PHOTOMETRIC = 262;
    private static final String GHOST = "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n"
            + "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n";
    private static final AtomicInteger POOL_ID = new AtomicInteger();

    private final RenderedImage image;
    private final int bands;
    private final boolean isByte;
    private final int bytesPerSample;
    private final double nodata;
    private final double scale;
    private final double offset;
    private final WriteOptions.Compression compression;
    private final int deflateLevel;
    /** Power of each uint8 code (NaN for nodata); null for float images. */
    private final double[] codePower;
    /**
     * Per compressing thread: the interleaved block and Deflate's output, reused from block to block (each
     * 256 KiB for a float block; allocating them anew for every block was a third of the pipeline's garbage).
     */
    private final ThreadLocal<byte[][]> scratch = new ThreadLocal<>();
    /** Per thread computing overviews: the powers of a top and a bottom parent row. */
    private final ThreadLocal<double[][]> powerRows = new ThreadLocal<>();
    /** Blocks whose compression has finished, for the next {@link Level#block} (at most those in flight). */
    private final ConcurrentLinkedQueue<float[][]> freeBlocks = new ConcurrentLinkedQueue<>();

    private CogWriter(RenderedImage image, double nodata, double scale, double offset,
                      WriteOptions.Compression compression, int deflateLevel) {
        this.image = image;
        this.bands = image.getSampleModel().getNumBands();
        int type = image.getSampleModel().getDataType();
        if (type != DataBuffer.TYPE_FLOAT && type != DataBuffer.TYPE_BYTE) {
            throw new IllegalArgumentException("COG output is written for float32 dB or uint8 display images, not data type " + type);
        }
        this.isByte = type == DataBuffer.TYPE_BYTE;
        if (isByte && nodata != 0) {
            throw new IllegalArgumentException("uint8 COG output needs nodata 0 (codes 1..255 are dB), got " + nodata);
        }
        this.bytesPerSample = isByte ? 1 : 4;
        this.nodata = nodata;
        this.scale = scale;
        this.offset = offset;
        this.compression = compression;
        this.deflateLevel = deflateLevel;
        if (isByte) {
            codePower = new double[256];
            for (int c = 0; c < 256; c++) {
                codePower[c] = c == nodata ? Double.NaN : Math.pow(10, (c * scale + offset) / 10);
            }
        } else {
            codePower = null;
        }
    }

    /**
     * Writes {@code image} to {@code file} (which must not exist) as a COG.
     *
     * @param mainTags   tags of the full-resolution IFD besides the layout ones (georeferencing, GDAL metadata)
     * @param levelTags  tags of every IFD, overviews included (GDAL_NODATA)
     * @param nodata     the nodata value (NaN for float images without one); uint8 images need a finite one
     * @param scale      for uint8: dB = code x scale + offset (ignored for float images)
     * @param bigTiff    64-bit offsets; null = only when the file would not fit 32-bit offsets
     */
    static void write(RenderedImage image, List<TiffPatcher.Tag> mainTags, List<TiffPatcher.Tag> levelTags, Path file,
                      double nodata, double scale, double offset, WriteOptions.Compression compression, int deflateLevel,
                      Boolean bigTiff) throws IOException {
        new CogWriter(image, nodata, scale, offset, compression, deflateLevel).run(mainTags, levelTags, file, bigTiff);
    }

    /** One resolution level: its size, the strip of rows not yet cut into blocks, and where its blocks went. */
    private final class Level {
        final int width;
        final int height;
        /** Second overview and smaller: a sixteenth of the pixels, where string matching is cheap to try. */
        final boolean coarse;
        final int blocksX;
        final int blocksY;
        final float[][] strip;
        int rows;          // rows held in the strip
        int firstRow;      // level row of strip row 0
        Level child;
        /** Spool offset (or, uncompressed, output file offset) and compressed size of each block, row-major. */
        final long[] spoolOffset;
        final int[] size;

        /** {@code capacity}: strip rows; at most a block row less one, plus what one refill adds. */
        Level(int width, int height, int capacity, boolean coarse) {
            this.coarse = coarse;
            this.width = width;
            this.height = height;
            this.blocksX = (width + BLOCK - 1) / BLOCK;
            this.blocksY = (height + BLOCK - 1) / BLOCK;
            this.strip = new float[bands][capacity * width];
            this.spoolOffset = new long[blocksX * blocksY];
            this.size = new int[blocksX * blocksY];
        }

        /** Cuts every complete block row (all that is left when {@code last}) into blocks and feeds the child. */
        void drain(Spool spool, boolean last) throws IOException {
            while (rows >= BLOCK || last && rows > 0) {
                int n = Math.min(BLOCK, rows);
                int by = firstRow / BLOCK;
                for (int bx = 0; bx < blocksX; bx++) {
                    spool.submit(this, by * blocksX + bx, block(bx, n));
                }
                if (child != null) {
                    child.addHalf(this, n, spool.pool, spool.threads);
                    child.drain(spool, false);
                }
                for (float[] s : strip) {
                    System.arraycopy(s, n * width, s, 0, (rows - n) * width);
                }
                rows -= n;
                firstRow += n;
            }
            if (last && child != null) {
                child.drain(spool, true);
            }
        }

        /** A copy of block column {@code bx} of the first {@code n} strip rows, per band, padded with nodata. */
        float[][] block(int bx, int n) {
            int x0 = bx * BLOCK;
            int w = Math.min(BLOCK, width - x0);
            float[][] recycled = freeBlocks.poll();
            float[][] out = recycled != null ? recycled : new float[bands][BLOCK * BLOCK];
            for (int b = 0; b < bands; b++) {
                Arrays.fill(out[b], (float) nodata);
                for (int y = 0; y < n; y++) {
                    System.arraycopy(strip[b], y * width + x0, out[b], y * BLOCK, w);
                }
            }
            return out;
        }

        /**
         * Appends the 2x2 power means of the parent's first {@code n} strip rows (edge pixels without a pair
         * alone). The output rows are independent, so a wide level is cut into one run of rows per core, on
         * the pool and on this thread: otherwise the power means make the writer's thread the one that caps
         * the pipeline once inference is cheap.
         */
        void addHalf(Level parent, int n, ExecutorService pool, int threads) throws IOException {
            int out = (n + 1) / 2;
            // below ~32K pixels a task costs more than it saves (the 700 px wide test image of CogWriterTest is above)
            int chunks = (long) out * width < (1 << 15) ? 1 : Math.min(threads, out);
            int per = (out + chunks - 1) / chunks;
            List<Future<?>> others = new ArrayList<>();
            for (int r0 = per; r0 < out; r0 += per) {
                int from = r0, to = Math.min(out, r0 + per);
                others.add(pool.submit(() -> halfRows(parent, n, from, to)));
            }
            halfRows(parent, n, 0, Math.min(out, per));
            for (Future<?> f : others) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while computing overviews", e);
                } catch (ExecutionException e) {
                    throw new IOException("computing overviews failed: " + e.getCause(), e.getCause());
                }
            }
            rows += out;
        }

        /** Output rows [r0, r1) of {@link #addHalf}, after the {@code rows} already held. */
        private void halfRows(Level parent, int n, int r0, int r1) {
            int pw = parent.width;
            double[][] pair = powerRows.get();
            if (pair == null || pair[0].length < pw + 1) {
                pair = new double[][] {new double[pw + 1], new double[pw + 1]};
                powerRows.set(pair);
            }
            double[] topPower = pair[0], bottomPower = pair[1];
            for (int b = 0; b < bands; b++) {
                float[] p = parent.strip[b];
                float[] s = strip[b];
                for (int r = r0; r < r1; r++) {
                    // linear power of the two parent rows, once per parent pixel; NaN = nodata, also past the
                    // right edge and below the last row, so the loop below needs no edge cases
                    powers(p, 2 * r * pw, pw, topPower);
                    if (2 * r + 1 < n) {
                        powers(p, (2 * r + 1) * pw, pw, bottomPower);
                    } else {
                        Arrays.fill(bottomPower, Double.NaN);
                    }
                    int row = (rows + r) * width;
                    for (int x = 0; x < width; x++) {
                        // branch-free: "q >= 0" is false for NaN
                        double a = topPower[2 * x], c = topPower[2 * x + 1];
                        double d = bottomPower[2 * x], e = bottomPower[2 * x + 1];
                        int count = (a >= 0 ? 1 : 0) + (c >= 0 ? 1 : 0) + (d >= 0 ? 1 : 0) + (e >= 0 ? 1 : 0);
                        double sum = (a >= 0 ? a : 0) + (c >= 0 ? c : 0) + (d >= 0 ? d : 0) + (e >= 0 ? e : 0);
                        s[row + x] = count == 0 ? (float) nodata : fromPower(sum / count);
                    }
                }
            }
        }

        /** {@code dst[i]} = power of {@code src[from + i]} (NaN for nodata) for i < w, and NaN at {@code dst[w]}. */
        private void powers(float[] src, int from, int w, double[] dst) {
            if (isByte) {
                for (int i = 0; i < w; i++) {
                    dst[i] = codePower[(int) src[from + i]];
                }
            } else {
                float nd = (float) nodata;
                for (int i = 0; i < w; i++) {
                    float v = src[from + i];
                    dst[i] = DbPower.power(v == nd ? Float.NaN : v);
                }
            }
            dst[w] = Double.NaN;
        }
    }

    private float fromPower(double p) {
        float db = DbPower.db(p);
        if (isByte) {
            return Math.max(1, Math.min(255, Math.round((db - offset) / scale)));
        }
        return db;
    }

    /**
     * Blocks compressed on a pool and appended to the spool file in submission order, or, when {@code direct}
     * (uncompressed: every offset known beforehand), written framed to their place in the output file.
     */
    private final class Spool implements AutoCloseable {
        final FileChannel channel;
        final boolean direct;
        /** Compresses blocks and computes overview rows, off the thread that pulls the tiles. */
        final ExecutorService pool;
        final int threads;
        final int maxInFlight;
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        long end;

        record Pending(Level level, int block, Future<byte[]> data) {
        }

        Spool(Path file, boolean direct) throws IOException {
            this.direct = direct;
            channel = direct ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                            StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
            threads = Runtime.getRuntime().availableProcessors();
            int id = POOL_ID.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "eo2sar-cog-" + id + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            maxInFlight = 2 * threads + 2;
        }

        void submit(Level level, int block, float[][] samples) throws IOException {
            pending.add(new Pending(level, block, pool.submit(() -> {
                byte[] data = compress(samples, level.coarse);
                freeBlocks.add(samples);
                return data;
            })));
            while (pending.size() > maxInFlight) {
                writeHead();
            }
        }

        void finish() throws IOException {
            while (!pending.isEmpty()) {
                writeHead();
            }
        }

        private void writeHead() throws IOException {
            Pending p = pending.poll();
            byte[] data;
            try {
                data = p.data().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while compressing", e);
            } catch (ExecutionException e) {
                throw new IOException("compressing a block failed: " + e.getCause(), e.getCause());
            }
            if (direct) {   // data is already framed by its leader and trailer (compress)
                TiffPatcher.writeFully(channel, ByteBuffer.wrap(data), p.level().spoolOffset[p.block()] - 4);
                return;
            }
            p.level().spoolOffset[p.block()] = end;
            p.level().size[p.block()] = data.length;
            end += TiffPatcher.writeFully(channel, ByteBuffer.wrap(data), end);
        }

        @Override
        public void close() throws IOException {
            pool.shutdownNow();
            channel.close();
        }
    }

    /** Interleaves the bands into little-endian samples, applies the predictor (uint8) and compresses. */
    private byte[] compress(float[][] samples, boolean coarse) {
        int length = BLOCK * BLOCK * bands * bytesPerSample;
        byte[][] buffers = scratch.get();
        if (buffers == null) {
            // Deflate's worst case is a few bytes per 16 KiB stored block over the input
            buffers = new byte[][] {new byte[length], new byte[length + length / 1024 + 64]};
            scratch.set(buffers);
        }
        // uncompressed, the block framed by its 4-byte leader and trailer (samples from `at`) is the result, so
        // it cannot be a reused array
        boolean none = compression == WriteOptions.Compression.NONE;
        int at = none ? 4 : 0;
        byte[] raw = none ? new byte[length + 8] : buffers[0];
        if (isByte) {
            for (int i = 0, k = at; i < BLOCK * BLOCK; i++) {
                for (float[] band : samples) {
                    raw[k++] = (byte) (int) band[i];
                }
            }
            // Predictor 2 (horizontal differencing), per row, stride = samples per pixel
            int rowBytes = BLOCK * bands;
            for (int y = 0; y < BLOCK && !none; y++) {
                int base = y * rowBytes;
                for (int i = rowBytes - 1; i >= bands; i--) {
                    raw[base + i] -= raw[base + i - bands];
                }
            }
        } else {
            ByteBuffer buf = ByteBuffer.wrap(raw, at, length).slice().order(ByteOrder.LITTLE_ENDIAN);
            if (bands == 1) {
                buf.asFloatBuffer().put(samples[0], 0, BLOCK * BLOCK); // one bulk copy for the usual VV output
            } else {
                for (int i = 0; i < BLOCK * BLOCK; i++) {
                    for (float[] band : samples) {
                        buf.putFloat(band[i]);
                    }
                }
            }
        }
        if (none) {
            ByteBuffer frame = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            frame.putInt(0, length).putInt(length + 4, frame.getInt(length));
            return raw;
        }
        if (compression == WriteOptions.Compression.ZSTD) {
            return ZstdBlocks.compress(raw);
        }
        Deflater d = new Deflater(deflateLevel);
        if (!isByte && !coarse && !repetitive(samples)) {
            // float32 dB from a model has all-distinct mantissas: string matching finds nothing, and Huffman
            // coding alone is 2.7x faster than level 1 and no larger (docs/benchmarks.md)
            d.setStrategy(Deflater.HUFFMAN_ONLY);
        }
        try {
            d.setInput(raw);
            d.finish();
            byte[] out = buffers[1];
            int len = 0;
            while (!d.finished()) {
                if (len == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                    buffers[1] = out;
                }
                len += d.deflate(out, len, out.length - len);
            }
            return Arrays.copyOf(out, len);
        } finally {
            d.end();
        }
    }

    /**
     * Whether over 1 % of the block's samples repeat their left neighbour bit for bit: nodata runs (NaN), or a
     * quantised, smooth image. Then Deflate's string matching pays (half-NaN blocks: 41 % of raw vs 52 % with
     * Huffman coding alone).
     */
    private static boolean repetitive(float[][] samples) {
        int repeats = 0;
        for (float[] band : samples) {
            for (int i = 1; i < band.length; i++) {
                if (Float.floatToRawIntBits(band[i]) == Float.floatToRawIntBits(band[i - 1])) {
                    repeats++;
                }
            }
        }
        return repeats > samples.length * samples[0].length / 100;
    }

    private void run(List<TiffPatcher.Tag> mainTags, List<TiffPatcher.Tag> levelTags, Path file, Boolean bigTiff)
            throws IOException {
        List<Level> levels = new ArrayList<>();
        int tileH = image.getTileHeight();
        levels.add(new Level(image.getWidth(), image.getHeight(), BLOCK + Math.min(tileH, image.getHeight()), false));
        while (levels.get(levels.size() - 1).width > BLOCK || levels.get(levels.size() - 1).height > BLOCK) {
            Level p = levels.get(levels.size() - 1);
            // a child gets at most BLOCK / 2 rows per parent block row and drains at BLOCK
            Level c = new Level((p.width + 1) / 2, (p.height + 1) / 2, BLOCK + BLOCK / 2, levels.size() >= 2);
            p.child = c;
            levels.add(c);
        }
        boolean direct = compression == WriteOptions.Compression.NONE;
        byte[] head = null;
        if (direct) {
            for (Level l : levels) {
                Arrays.fill(l.size, BLOCK * BLOCK * bands * bytesPerSample);
            }
            head = head(levels, mainTags, levelTags, bigTiff);
            blockOffsets(levels, head.length, levels.stream().map(l -> l.spoolOffset).toArray(long[][]::new));
        }
        try (Spool spool = new Spool(direct ? file : file.resolveSibling(file.getFileName() + ".blocks"), direct)) {
            if (direct) {
                TiffPatcher.writeFully(spool.channel, ByteBuffer.wrap(head), 0);
            }
            readTiles(levels.get(0), spool);
            levels.get(0).drain(spool, true);
            spool.finish();
            if (direct) {
                spool.channel.force(true);
            } else {
                assemble(levels, mainTags, levelTags, spool, file, bigTiff);
            }
        }
    }

    /** Pulls the image's tiles once each, row-major, into the full-resolution strip, cutting blocks as rows complete. */
    private void readTiles(Level full, Spool spool) throws IOException {
        int minX = image.getMinX();
        int minY = image.getMinY();
        var bounds = new Rectangle(minX, minY, image.getWidth(), image.getHeight());
        int[] allBands = java.util.stream.IntStream.range(0, bands).toArray();
        for (int ty = image.getMinTileY(); ty < image.getMinTileY() + image.getNumYTiles(); ty++) {
            int rowTop = Integer.MAX_VALUE;
            int rowBottom = Integer.MIN_VALUE;
            for (int tx = image.getMinTileX(); tx < image.getMinTileX() + image.getNumXTiles(); tx++) {
                Raster tile = image.getTile(tx, ty);
                Rectangle r = tile.getBounds().intersection(bounds);
                if (r.isEmpty()) {
                    continue;
                }
                rowTop = Math.min(rowTop, r.y);
                rowBottom = Math.max(rowBottom, r.y + r.height);
                // straight into the strip: rows of the strip's width, starting at the strip's first row
                var stripRect = new Rectangle(minX, minY + full.firstRow, full.width, full.strip[0].length / full.width);
                WindowSamples.copy(tile, r, allBands, full.strip, stripRect);
            }
            if (rowBottom > rowTop) {
                full.rows = rowBottom - minY - full.firstRow;
                full.drain(spool, false);
            }
        }
    }

    // ---- file assembly ----

    private record Field(int tag, int type, long count, byte[] value) {
    }

    /** Header, ghost area and IFDs for blocks of the levels' sizes laid out right after them. */
    private byte[] head(List<Level> levels, List<TiffPatcher.Tag> mainTags, List<TiffPatcher.Tag> levelTags,
                        Boolean bigTiffChoice) throws IOException {
        // IFD sizes do not depend on the offsets they hold, so lay out with dummy offsets first.
        long dataBytes = 8 * blockCount(levels);   // leader and trailer per block
        for (Level l : levels) {
            for (int s : l.size) {
                dataBytes += s;
            }
        }
        boolean big = bigTiffChoice != null ? bigTiffChoice
                : layout(levels, mainTags, levelTags, false, 0).length + dataBytes > 0xFFFF_FFFFL;
        byte[] head = layout(levels, mainTags, levelTags, big, 0);
        if (!big && head.length + dataBytes > 0xFFFF_FFFFL) {
            throw new IOException("the output (" + (head.length + dataBytes) + " bytes) is too large for a classic TIFF; "
                    + "write BigTIFF");
        }
        return layout(levels, mainTags, levelTags, big, head.length);
    }

    private void assemble(List<Level> levels, List<TiffPatcher.Tag> mainTags, List<TiffPatcher.Tag> levelTags,
                          Spool spool, Path file, Boolean bigTiffChoice) throws IOException {
        byte[] head = head(levels, mainTags, levelTags, bigTiffChoice);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeAll(out, ByteBuffer.wrap(head));
            ByteBuffer frame = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = levels.size() - 1; i >= 0; i--) {
                Level l = levels.get(i);
                for (int k = 0; k < l.size.length; k++) {
                    long from = l.spoolOffset[k];
                    long n = l.size[k];
                    writeAll(out, frame.clear().putInt(0, l.size[k]));            // leader: the block's size
                    for (long done = 0; done < n; ) {
                        done += spool.channel.transferTo(from + done, n - done, out);
                    }
                    frame.clear();
                    while (frame.hasRemaining()) {
                        if (spool.channel.read(frame, from + n - 4 + frame.position()) < 0) {
                            throw new IOException("block spool ended early");
                        }
                    }
                    writeAll(out, frame.flip());                                // trailer: its last 4 bytes again
                }
            }
            out.force(true);
        }
    }

    private static long blockCount(List<Level> levels) {
        return levels.stream().mapToLong(l -> l.size.length).sum();
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Fills {@code offsets[level][block]} with where each block's data lands from {@code dataStart}: smallest
     * overview first, each block framed by its leader and trailer.
     */
    private static void blockOffsets(List<Level> levels, long dataStart, long[][] offsets) {
        long pos = dataStart;
        for (int i = levels.size() - 1; i >= 0; i--) {
            int[] size = levels.get(i).size;
            for (int k = 0; k < size.length; k++) {
                offsets[i][k] = pos + 4;
                pos += 8 + size[k];
            }
        }
    }

    /** Header, ghost area and every IFD with its values; block offsets computed from {@code dataStart}. */
    private byte[] layout(List<Level> levels, List<TiffPatcher.Tag> mainTags, List<TiffPatcher.Tag> levelTags,
                          boolean big, long dataStart) {
        long[][] offsets = new long[levels.size()][];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = new long[levels.get(i).size.length];
        }
        blockOffsets(levels, dataStart, offsets);
        long tagBytes = 0;
        for (TiffPatcher.Tag t : mainTags) {
            tagBytes += TiffPatcher.encode(t.values(), ByteOrder.LITTLE_ENDIAN).remaining() + 32;
        }
        for (TiffPatcher.Tag t : levelTags) {
            tagBytes += (TiffPatcher.encode(t.values(), ByteOrder.LITTLE_ENDIAN).remaining() + 32) * levels.size();
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(4096 + 1024L * levels.size() + 16 * blockCount(levels) + tagBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 'I').put((byte) 'I');
        if (big) {
            buf.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(0);
        } else {
            buf.putShort((short) 42).putInt(0);
        }
        String ghost = String.format("GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n", GHOST.length()) + GHOST;
        buf.put(ghost.getBytes(StandardCharsets.US_ASCII));
        long pointerPos = big ? 8 : 4;
        for (int i = 0; i < levels.size(); i++) {
            if (buf.position() % 2 != 0) {
                buf.put((byte) 0);
            }
            long ifdPos = buf.position();
            putOffset(buf, pointerPos, ifdPos, big);
            pointerPos = writeIfd(buf, fields(levels.get(i), i, offsets[i], i == 0 ? mainTags : List.of(), levelTags, big),
                    big);
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private List<Field> fields(Level l, int index, long[] offsets, List<TiffPatcher.Tag> mainTags,
                               List<TiffPatcher.Tag> levelTags, boolean big) {
        Map<Integer, Field> f = new TreeMap<>();   // TIFF wants entries sorted by tag
        if (index > 0) {
            f.put(TAG_NEW_SUBFILE_TYPE, field(TAG_NEW_SUBFILE_TYPE, new long[] {1}));
        }
        f.put(TiffDirectory.TAG_IMAGE_WIDTH, field(TiffDirectory.TAG_IMAGE_WIDTH, new long[] {l.width}));
        f.put(TiffDirectory.TAG_IMAGE_LENGTH, field(TiffDirectory.TAG_IMAGE_LENGTH, new long[] {l.height}));
        int[] bits = new int[bands];
        int[] format = new int[bands];
        Arrays.fill(bits, 8 * bytesPerSample);
        Arrays.fill(format, isByte ? 1 : 3);
        f.put(TiffDirectory.TAG_BITS_PER_SAMPLE, field(TiffDirectory.TAG_BITS_PER_SAMPLE, bits));
        f.put(TiffDirectory.TAG_COMPRESSION, field(TiffDirectory.TAG_COMPRESSION, new int[] {compression.tiffCode}));
        f.put(TAG_PHOTOMETRIC, field(TAG_PHOTOMETRIC, new int[] {1}));
        f.put(TiffDirectory.TAG_SAMPLES_PER_PIXEL, field(TiffDirectory.TAG_SAMPLES_PER_PIXEL, new int[] {bands}));
        f.put(TiffDirectory.TAG_PLANAR_CONFIGURATION, field(TiffDirectory.TAG_PLANAR_CONFIGURATION, new int[] {1}));
        if (isByte && compression != WriteOptions.Compression.NONE) {
            f.put(TiffDirectory.TAG_PREDICTOR, field(TiffDirectory.TAG_PREDICTOR, new int[] {2}));
        }
        f.put(TiffDirectory.TAG_TILE_WIDTH, field(TiffDirectory.TAG_TILE_WIDTH, new int[] {BLOCK}));
        f.put(TiffDirectory.TAG_TILE_LENGTH, field(TiffDirectory.TAG_TILE_LENGTH, new int[] {BLOCK}));
        long[] counts = new long[l.size.length];
        for (int k = 0; k < counts.length; k++) {
            counts[k] = l.size[k];
        }
        f.put(TiffDirectory.TAG_TILE_OFFSETS, big ? long8(TiffDirectory.TAG_TILE_OFFSETS, offsets)
                : field(TiffDirectory.TAG_TILE_OFFSETS, offsets));
        f.put(TiffDirectory.TAG_TILE_BYTE_COUNTS, big ? long8(TiffDirectory.TAG_TILE_BYTE_COUNTS, counts)
                : field(TiffDirectory.TAG_TILE_BYTE_COUNTS, counts));
        if (bands > 1) {
            f.put(TiffDirectory.TAG_EXTRA_SAMPLES, field(TiffDirectory.TAG_EXTRA_SAMPLES, new int[bands - 1]));
        }
        f.put(TiffDirectory.TAG_SAMPLE_FORMAT, field(TiffDirectory.TAG_SAMPLE_FORMAT, format));
        for (TiffPatcher.Tag t : mainTags) {
            f.put(t.tag(), field(t.tag(), t.values()));
        }
        for (TiffPatcher.Tag t : levelTags) {
            f.put(t.tag(), field(t.tag(), t.values()));
        }
        return new ArrayList<>(f.values());
    }

    private static Field field(int tag, Object values) {
        ByteBuffer v = TiffPatcher.encode(values, ByteOrder.LITTLE_ENDIAN);
        int type = TiffPatcher.typeOf(values);
        byte[] bytes = new byte[v.remaining()];
        v.get(bytes);
        return new Field(tag, type, bytes.length / TiffDirectory.typeSize(type), bytes);
    }

    private static Field long8(int tag, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new Field(tag, TiffDirectory.TYPE_LONG8, values.length, b.array());
    }

    /** Writes an IFD at the buffer's position, its large values right after it; returns the next-IFD pointer's position. */
    private static long writeIfd(ByteBuffer buf, List<Field> fields, boolean big) {
        int inline = big ? 8 : 4;
        long ifdPos = buf.position();
        int entriesBytes = (big ? 8 : 2) + fields.size() * (big ? 20 : 12) + (big ? 8 : 4);
        long valuePos = ifdPos + entriesBytes;
        if (big) {
            buf.putLong(fields.size());
        } else {
            buf.putShort((short) fields.size());
        }
        List<byte[]> outOfLine = new ArrayList<>();
        for (Field f : fields) {
            buf.putShort((short) f.tag()).putShort((short) f.type());
            if (big) {
                buf.putLong(f.count());
            } else {
                buf.putInt((int) f.count());
            }
            if (f.value().length <= inline) {
                buf.put(Arrays.copyOf(f.value(), inline));
            } else {
                putOffsetHere(buf, valuePos, big);
                outOfLine.add(f.value());
                valuePos += f.value().length + (f.value().length & 1);
            }
        }
        long nextPointer = buf.position();
        if (big) {
            buf.putLong(0);
        } else {
            buf.putInt(0);
        }
        for (byte[] v : outOfLine) {
            buf.put(v);
            if ((v.length & 1) != 0) {
                buf.put((byte) 0);
            }
        }
        return nextPointer;
    }

    private static void putOffsetHere(ByteBuffer buf, long value, boolean big) {
        if (big) {
            buf.putLong(value);
        } else {
            buf.putInt((int) value);
        }
    }

    private static void putOffset(ByteBuffer buf, long at, long value, boolean big) {
        if (big) {
            buf.putLong((int) at, value);
        } else {
            buf.putInt((int) at, (int) value);
        }
    }
}
