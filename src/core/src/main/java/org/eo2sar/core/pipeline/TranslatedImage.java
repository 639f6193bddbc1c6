package org.eo2sar.core.pipeline;

import java.awt.Image;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BandedSampleModel;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferFloat;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Vector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.Progress;
import org.eo2sar.core.tiling.Tile;
import org.eo2sar.core.tiling.TilePlan;

/**
 * The translated raster as a lazy {@link RenderedImage} on the input's grid (same size, minX,
 * minY; tiles = the plan's core tiles). Nothing runs until a tile is asked for; then its batch is
 * computed on a bounded worker pool while the next batches in row-major order are prefetched,
 * and finished window outputs sit in a bounded LRU cache — so memory depends on tile size,
 * batch size, workers and (for FEATHER) one row of tiles, never on the raster size. A tile
 * evicted too early is simply recomputed. The first failed batch fails every later one with the
 * same error. Close it to stop the workers: close waits for the batches in flight, so nothing
 * still reads the source or runs the model once it returns.
 */
public final class TranslatedImage implements RenderedImage, AutoCloseable {
    private static final AtomicInteger POOL_ID = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger(TranslatedImage.class.getName());
    /** How long close() waits for batches in flight (each read has its own deadline, each run is short). */
    private static final long CLOSE_WAIT_SECONDS = 120;

    private final RenderedImage source;
    private final TilePlan plan;
    private final TileEngine engine;
    private final Stitch stitch;
    private final OutputType outputType;
    private final RoiMask roi;
    private final Progress progress;
    private final SampleModel sampleModel;
    private final ColorModel colorModel;
    private final int workers;

    /** Tiles that go to the model (ROI-touching), chunked into batches; batchOf[tile] = -1 when pre-skipped. */
    private final List<List<Tile>> batches;
    private final int[] batchOf;
    private final int preSkipped;

    private final ExecutorService pool;
    private final ConcurrentLinkedQueue<TileEngine.Buffers> freeBuffers = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    private final Map<Integer, CompletableFuture<WindowResult[]>> inflight = new HashMap<>();
    private final LinkedHashMap<Integer, WindowResult> cache;
    private final BitSet batchesDone = new BitSet();
    private final int prefetch;
    /** The batch of the tile last asked for (guarded by {@link #lock}). */
    private int consumerBatch = -1;

    private final AtomicLong tilesRun = new AtomicLong();
    private final AtomicLong tilesSkipped = new AtomicLong();
    private final AtomicLong inferenceNanos = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong tilesDone = new AtomicLong();
    private final AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean cancelled;
    /** The first batch failure; later batches fail with it instead of starting. */
    private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
            new java.util.concurrent.atomic.AtomicReference<>();

    TranslatedImage(RenderedImage source, TilePlan plan, TileEngine engine, Stitch stitch, OutputType outputType,
                    RoiMask roi, int batchSize, int workers, Progress progress) {
        this.source = source;
        this.plan = plan;
        this.engine = engine;
        this.stitch = stitch;
        this.outputType = outputType;
        this.roi = roi;
        this.progress = progress == null ? Progress.NONE : progress;
        this.workers = workers;
        int t = plan.tileSize();
        int dataType = outputType == OutputType.UINT8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_FLOAT;
        this.sampleModel = new BandedSampleModel(dataType, t, t, engine.outBands());
        this.colorModel = colorModel(engine.outBands(), outputType);

        this.batchOf = new int[plan.count()];
        Arrays.fill(batchOf, -1);
        this.batches = new ArrayList<>();
        List<Tile> current = new ArrayList<>();
        int skipped = 0;
        for (Tile tile : plan.tiles()) {
            Rectangle region = stitch == Stitch.CROP ? tile.core() : tile.window();
            if (roi != null && !roi.intersects(region)) {
                skipped++;
                continue;
            }
            batchOf[tile.index()] = batches.size();
            current.add(tile);
            if (current.size() == batchSize) {
                batches.add(List.copyOf(current));
                current.clear();
            }
        }
        if (!current.isEmpty()) {
            batches.add(List.copyOf(current));
        }
        this.preSkipped = skipped;
        tilesSkipped.set(skipped);
        tilesDone.set(skipped);
        this.prefetch = prefetchDepth(plan, engine.outBands(), batchSize, workers);
        // FEATHER needs the window row above while producing the next one; CROP only what's ahead or in flight
        int capacity = batchSize * (prefetch + 2 * workers + 2) + (stitch == Stitch.FEATHER ? 2 * plan.cols() + 4 : 0);
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, WindowResult> eldest) {
                return size() > capacity;
            }
        };
        int id = POOL_ID.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread th = new Thread(r, "eo2sar-translate-" + id + "-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
        this.pool = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tf);
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
    }

    /** The tiling used. */
    public TilePlan plan() {
        return plan;
    }

    /** Counters so far (final once every tile has been read). */
    public TranslationStats stats() {
        long s = firstStart.get();
        long e = lastEnd.get();
        return new TranslationStats(plan.count(), tilesRun.get(), tilesSkipped.get(), inferenceNanos.get(),
                s == Long.MAX_VALUE || e < s ? 0 : e - s, runs.get());
    }

    /** Computes every tile (in parallel) without keeping them; useful to warm up or to benchmark. */
    public void computeAll() {
        for (int ty = 0; ty < plan.rows(); ty++) {
            for (int tx = 0; tx < plan.cols(); tx++) {
                getTile(tx, ty);
            }
        }
    }

    /**
     * Stops the workers and waits for the batches in flight to end; tiles can no longer be
     * computed. The caller may then close the generator and the source safely.
     */
    @Override
    public void close() {
        cancelled = true;
        pool.shutdownNow();
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        while (!pool.isTerminated() && System.nanoTime() < deadline) {
            try {
                pool.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: returning early would let the caller free what they use
            }
        }
        if (!pool.isTerminated()) {
            LOG.log(System.Logger.Level.WARNING, "translation workers still busy " + CLOSE_WAIT_SECONDS
                    + " s after close; the model session waits for its own runs before it is freed");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once every worker thread has ended (after {@link #close()}). */
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    // ---- scheduling -------------------------------------------------------------------------

    private WindowResult result(int tileIndex) {
        int b = batchOf[tileIndex];
        if (b < 0) {
            return WindowResult.skipped(tileIndex);
        }
        CompletableFuture<WindowResult[]> f;
        synchronized (lock) {
            WindowResult cached = cache.get(tileIndex);
            if (cached != null) {
                return cached;
            }
            f = submit(b);
            consumerBatch = b;
            topUp();
        }
        WindowResult[] rs;
        try {
            rs = f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof Eo2SarException ee) {
                throw new Eo2SarException(ee.kind(), ee.getMessage(), ee);
            }
            throw new Eo2SarException(Kind.IO, "translating tile " + tileIndex + " failed: " + c, c);
        }
        for (WindowResult r : rs) {
            if (r.tileIndex() == tileIndex) {
                return r;
            }
        }
        throw new IllegalStateException("batch " + b + " has no tile " + tileIndex);
    }

    /**
     * How many batches the workers may run ahead of the one last asked for: about a row of tiles, so that
     * while the consumer is busy with a finished row (a COG writer cutting blocks and overviews) the workers
     * go on with the next, capped at 4 MiB of finished cores (16 float tiles of 256 px).
     */
    private static int prefetchDepth(TilePlan plan, int outBands, int batchSize, int workers) {
        long batchBytes = (long) batchSize * plan.tileSize() * plan.tileSize() * outBands * Float.BYTES;
        long cap = Math.max(1, (4L << 20) / batchBytes);
        long row = (plan.cols() + batchSize - 1) / batchSize + workers;
        return (int) Math.max(workers, Math.min(row, cap));
    }

    /**
     * Keeps up to 2 x workers batches in flight among the {@link #prefetch} after the consumer's; called when
     * the consumer asks and when a batch ends, so the workers go on while the consumer is busy. Must hold
     * {@link #lock}.
     */
    private void topUp() {
        int b = consumerBatch;
        for (int p = b + 1; p <= b + prefetch && p < batches.size() && inflight.size() < 2 * workers; p++) {
            if (!batchesDone.get(p) && !inflight.containsKey(p)) {
                submit(p);
            }
        }
    }

    /** Must hold {@link #lock}. */
    private CompletableFuture<WindowResult[]> submit(int b) {
        CompletableFuture<WindowResult[]> f = inflight.get(b);
        if (f != null) {
            return f;
        }
        CompletableFuture<WindowResult[]> nf = new CompletableFuture<>();
        inflight.put(b, nf);
        try {
            pool.execute(() -> runBatch(b, nf));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inflight.remove(b);
            nf.completeExceptionally(new Eo2SarException(Kind.CANCELLED, "translation was closed"));
        }
        return nf;
    }

    private void runBatch(int b, CompletableFuture<WindowResult[]> f) {
        Throwable earlier = failure.get();
        if (earlier != null) {
            synchronized (lock) {
                inflight.remove(b);
            }
            f.completeExceptionally(earlier);
            return;
        }
        try {
            if (cancelled || progress.isCancelled()) {
                cancelled = true;
                throw new Eo2SarException(Kind.CANCELLED, "translation cancelled");
            }
            long t0 = System.nanoTime();
            firstStart.accumulateAndGet(t0, Math::min);
            TileEngine.Buffers buf = freeBuffers.poll();
            if (buf == null) {
                buf = engine.newBuffers();
            }
            TileEngine.BatchOutcome out;
            try {
                TileEngine.Buffers use = buf;
                // a read stuck on a corrupt block is abandoned as soon as the translation is cancelled
                out = org.eo2sar.core.raster.ReadGuard.withCancellation(() -> cancelled || progress.isCancelled(),
                        () -> engine.compute(batches.get(b), use));
            } finally {
                freeBuffers.add(buf);
            }
            inferenceNanos.addAndGet(out.inferenceNanos());
            if (out.run() > 0) {
                runs.incrementAndGet();
            }
            boolean first;
            synchronized (lock) {
                for (WindowResult r : out.results()) {
                    cache.put(r.tileIndex(), r);
                }
                inflight.remove(b);
                first = !batchesDone.get(b);
                batchesDone.set(b);
                if (!cancelled) {
                    topUp();
                }
            }
            lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
            if (first) {
                tilesRun.addAndGet(out.run());
                tilesSkipped.addAndGet(out.skipped());
                progress.update(tilesDone.addAndGet(out.results().length), plan.count());
            }
            f.complete(out.results());
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            synchronized (lock) {
                inflight.remove(b);
            }
            f.completeExceptionally(e);
        }
    }

    // ---- tile assembly ----------------------------------------------------------------------

    @Override
    public Raster getTile(int tx, int ty) {
        Tile tile = plan.tile(tx, ty);
        int t = plan.tileSize();
        int nb = engine.outBands();
        float[][] out = new float[nb][t * t];
        for (float[] o : out) {
            Arrays.fill(o, Float.NaN);
        }
        if (stitch == Stitch.CROP) {
            WindowResult r = result(tile.index());
            if (!r.isSkipped()) {
                for (int b = 0; b < nb; b++) {
                    for (int y = 0; y < r.height(); y++) {
                        System.arraycopy(r.data(), (b * r.height() + y) * r.width(), out[b], y * t, r.width());
                    }
                }
            }
        } else {
            feather(tile, out);
        }
        if (roi != null && !roi.covers(tile.core())) {
            for (int y = 0; y < tile.coreHeight(); y++) {
                for (int x = 0; x < tile.coreWidth(); x++) {
                    if (!roi.inside(tile.coreX() + x, tile.coreY() + y)) {
                        for (int b = 0; b < nb; b++) {
                            out[b][y * t + x] = Float.NaN;
                        }
                    }
                }
            }
        }
        Point origin = new Point(source.getMinX() + tile.coreX(), source.getMinY() + tile.coreY());
        // the band arrays become the tile's own data buffer (SampleModel.setSamples would copy them sample by sample)
        if (outputType == OutputType.FLOAT32) {
            return Raster.createWritableRaster(sampleModel, new DataBufferFloat(out, t * t), origin);
        }
        byte[][] codes = new byte[nb][t * t];
        for (int b = 0; b < nb; b++) {
            for (int i = 0; i < t * t; i++) {
                codes[b][i] = (byte) OutputType.toUint8(out[b][i]);
            }
        }
        return Raster.createWritableRaster(sampleModel, new DataBufferByte(codes, t * t), origin);
    }

    /** Blends every window covering the core with linear ramps across a band of width M around each seam. */
    private void feather(Tile tile, float[][] out) {
        int t = plan.tileSize();
        int ws = plan.windowSize();
        int m = plan.margin();
        int nb = out.length;
        float[] ramp = new float[ws];
        for (int i = 0; i < ws; i++) {
            int edge = Math.min(i, ws - 1 - i);
            // zero in the outer half of the margin (too little context there), then a ramp of
            // width M centred on the core edge; two overlapping windows' weights sum to exactly 1
            ramp[i] = m == 0 ? 1f : Math.max(0f, Math.min(1f, (edge - m / 2f + 0.5f) / m));
        }
        float[] wsum = new float[t * t];
        Rectangle core = tile.core();
        for (Tile nt : plan.windowsIntersecting(core)) {
            WindowResult r = result(nt.index());
            if (r.isSkipped()) {
                continue;
            }
            Rectangle ov = core.intersection(new Rectangle(r.x(), r.y(), r.width(), r.height()));
            for (int y = ov.y; y < ov.y + ov.height; y++) {
                float wy = ramp[y - r.y()];
                for (int x = ov.x; x < ov.x + ov.width; x++) {
                    float w = wy * ramp[x - r.x()];
                    int o = (y - core.y) * t + (x - core.x);
                    int s = (y - r.y()) * r.width() + (x - r.x());
                    float first = r.data()[s];
                    if (Float.isNaN(first)) {
                        continue;
                    }
                    if (wsum[o] == 0f) {
                        for (int b = 0; b < nb; b++) {
                            out[b][o] = 0f;
                        }
                    }
                    for (int b = 0; b < nb; b++) {
                        out[b][o] += w * r.data()[(b * r.height()) * r.width() + s];
                    }
                    wsum[o] += w;
                }
            }
        }
        for (int o = 0; o < wsum.length; o++) {
            if (wsum[o] > 0f) {
                for (int b = 0; b < nb; b++) {
                    out[b][o] /= wsum[o];
                }
            }
        }
    }

    // ---- RenderedImage ----------------------------------------------------------------------

    @Override
    public Vector<RenderedImage> getSources() {
        return null;
    }

    @Override
    public Object getProperty(String name) {
        return Image.UndefinedProperty;
    }

    @Override
    public String[] getPropertyNames() {
        return null;
    }

    /** The colour model of a translation with {@code bands} output bands of {@code type}: grey for one band, else none. */
    public static ColorModel colorModel(int bands, OutputType type) {
        int dataType = type == OutputType.UINT8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_FLOAT;
        return bands == 1
                ? new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false, Transparency.OPAQUE, dataType)
                : null;
    }

    @Override
    public ColorModel getColorModel() {
        return colorModel;
    }

    @Override
    public SampleModel getSampleModel() {
        return sampleModel;
    }

    @Override
    public int getWidth() {
        return plan.width();
    }

    @Override
    public int getHeight() {
        return plan.height();
    }

    @Override
    public int getMinX() {
        return source.getMinX();
    }

    @Override
    public int getMinY() {
        return source.getMinY();
    }

    @Override
    public int getNumXTiles() {
        return plan.cols();
    }

    @Override
    public int getNumYTiles() {
        return plan.rows();
    }

    @Override
    public int getMinTileX() {
        return 0;
    }

    @Override
    public int getMinTileY() {
        return 0;
    }

    @Override
    public int getTileWidth() {
        return plan.tileSize();
    }

    @Override
    public int getTileHeight() {
        return plan.tileSize();
    }

    @Override
    public int getTileGridXOffset() {
        return source.getMinX();
    }

    @Override
    public int getTileGridYOffset() {
        return source.getMinY();
    }

    @Override
    public Raster getData() {
        return getData(new Rectangle(getMinX(), getMinY(), getWidth(), getHeight()));
    }

    @Override
    public Raster getData(Rectangle rect) {
        WritableRaster r = Raster.createWritableRaster(sampleModel.createCompatibleSampleModel(rect.width, rect.height),
                new Point(rect.x, rect.y));
        return copyData(r);
    }

    @Override
    public WritableRaster copyData(WritableRaster dest) {
        if (dest == null) {
            return (WritableRaster) getData();
        }
        Rectangle want = dest.getBounds().intersection(new Rectangle(getMinX(), getMinY(), getWidth(), getHeight()));
        if (want.isEmpty()) {
            return dest;
        }
        int t = plan.tileSize();
        int tx0 = Math.floorDiv(want.x - getMinX(), t), tx1 = Math.floorDiv(want.x + want.width - 1 - getMinX(), t);
        int ty0 = Math.floorDiv(want.y - getMinY(), t), ty1 = Math.floorDiv(want.y + want.height - 1 - getMinY(), t);
        for (int ty = ty0; ty <= ty1; ty++) {
            for (int tx = tx0; tx <= tx1; tx++) {
                Raster tile = getTile(tx, ty);
                Rectangle ov = tile.getBounds().intersection(want);
                dest.setRect(0, 0, tile.createChild(ov.x, ov.y, ov.width, ov.height, ov.x, ov.y, null));
            }
        }
        return dest;
    }

    @Override
    public String toString() {
        return "TranslatedImage[" + getWidth() + "x" + getHeight() + ", " + plan + ", " + stitch + ", " + outputType
                + ", " + workers + " workers, pre-skipped " + preSkipped + "]";
    }
}
