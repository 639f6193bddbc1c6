package org.eo2sar.core.pipeline;

import java.awt.Rectangle;
import java.awt.image.DataBuffer;
import java.awt.image.RenderedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.raster.WindowSamples;
import org.eo2sar.core.tiling.Tile;
import org.eo2sar.core.tiling.TilePlan;

/**
 * Computes batches of tiles: reads each window (reflecting past the edges), normalises it into a
 * reused direct NCHW buffer, runs the generator once per batch, denormalises and masks nodata.
 * Stateless apart from configuration, so several worker threads share one engine, each with its
 * own {@link Buffers}.
 */
final class TileEngine {
    private final RenderedImage image;
    private final TilePlan plan;
    private final OnnxGenerator generator;
    private final int[] bands;
    private final float[] inScale;
    private final float[] inOffset;
    private final float[] outScale;
    private final float[] outOffset;
    private final boolean hasNodata;
    /** Source band whose 0 is nodata (RGBA alpha), -1 = none. */
    private final int alphaBand;
    /** The model's bands, then the alpha band if any: read together in one pass over the source tiles. */
    private final int[] readBands;
    private final float nodata;
    /** Floating-point samples can be NaN (masked); integer ones never are. */
    private final boolean floatSource;
    private final Stitch stitch;
    private final int batchSize;
    private final int runBatch;

    TileEngine(RenderedImage image, TilePlan plan, OnnxGenerator generator, int[] bands, OptionalDouble nodata,
               int alphaBand, Stitch stitch, int batchSize) {
        this.alphaBand = alphaBand;
        this.image = image;
        this.plan = plan;
        this.generator = generator;
        this.bands = bands.clone();
        this.readBands = alphaBand >= 0 ? IntStream.concat(Arrays.stream(bands), IntStream.of(alphaBand)).toArray()
                : this.bands;
        this.inScale = floats(generator.card().inputScale());
        this.inOffset = floats(generator.card().inputOffset());
        this.outScale = floats(generator.card().outputScale());
        this.outOffset = floats(generator.card().outputOffset());
        this.hasNodata = nodata.isPresent();
        this.nodata = hasNodata ? (float) nodata.getAsDouble() : Float.NaN;
        int type = image.getSampleModel().getDataType();
        this.floatSource = type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE;
        this.stitch = stitch;
        this.batchSize = batchSize;
        // a model with a fixed batch dimension always gets full batches (unused slots stay zero)
        this.runBatch = generator.fixedBatch() > 0 ? generator.fixedBatch() : -1;
    }

    int outBands() {
        return outScale.length;
    }

    /** Reusable per-worker memory: the direct input/output tensors and the window scratch arrays. */
    final class Buffers {
        final FloatBuffer input;
        final FloatBuffer output;
        final boolean[][] nodataMasks;
        /** Per slot: whether its mask has any pixel set (else the mask is not even filled). */
        final boolean[] masked;
        final float[] row;
        /** Per read band ({@link #readBands}): the window's raw, then (model bands) normalised samples. */
        float[][] samples = new float[0][];

        Buffers() {
            int ws = plan.windowSize();
            long px = (long) ws * ws;
            int slots = Math.max(batchSize, runBatch);
            input = direct(slots * bands.length * px);
            output = direct(slots * outScale.length * px);
            nodataMasks = new boolean[batchSize][(int) px];
            masked = new boolean[batchSize];
            row = new float[ws];
        }
    }

    Buffers newBuffers() {
        return new Buffers();
    }

    /** Outcome of one batch: a result per tile plus timing. */
    record BatchOutcome(WindowResult[] results, int run, int skipped, long inferenceNanos) {
    }

    BatchOutcome compute(List<Tile> tiles, Buffers buf) {
        int ws = plan.windowSize();
        int px = ws * ws;
        int[] slotOf = new int[tiles.size()];
        int n = 0;
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            boolean any = readWindow(t, buf, n);
            slotOf[i] = any ? n++ : -1;
        }
        WindowResult[] results = new WindowResult[tiles.size()];
        long nanos = 0;
        if (n > 0) {
            int nRun = runBatch > 0 ? runBatch : n;
            if (runBatch > 0) {
                // zero unused slots so a fixed-batch model never sees stale data
                for (int p = n * bands.length * px; p < nRun * bands.length * px; p++) {
                    buf.input.put(p, 0f);
                }
            }
            nanos = generator.run(buf.input.position(0), nRun, ws, ws, buf.output.position(0));
        }
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            results[i] = slotOf[i] < 0 ? WindowResult.skipped(t.index()) : extract(t, buf, slotOf[i]);
        }
        return new BatchOutcome(results, n, tiles.size() - n, nanos);
    }

    /**
     * Reads tile {@code t}'s window into batch slot {@code slot}; returns whether its test region
     * (core for CROP, whole window for FEATHER) has any valid pixel.
     */
    private boolean readWindow(Tile t, Buffers buf, int slot) {
        int ws = plan.windowSize();
        int[] xs = TilePlan.reflectRange(t.windowX(), ws, plan.width());
        int[] ys = TilePlan.reflectRange(t.windowY(), ws, plan.height());
        int x0 = min(xs), x1 = max(xs), y0 = min(ys), y1 = max(ys);
        int rw = x1 - x0 + 1, rh = y1 - y0 + 1;
        Rectangle src = new Rectangle(image.getMinX() + x0, image.getMinY() + y0, rw, rh);
        int nb = bands.length;
        if (buf.samples.length != readBands.length || buf.samples[0].length < rw * rh) {
            buf.samples = new float[readBands.length][rw * rh];
        }
        WindowSamples.read(image, src, readBands, buf.samples);
        // the mask is computed on the raw samples, before they are normalised in place below
        boolean[] mask = buf.nodataMasks[slot];
        buf.masked[slot] = (hasNodata || alphaBand >= 0 || floatSource) && mask(buf, mask, xs, ys, x0, y0, rw);
        for (int b = 0; b < nb; b++) {
            normalise(buf.samples[b], rw * rh, inScale[b], inOffset[b]);
        }
        // a window inside the image is one contiguous row of the source per window row; one that
        // reaches past an edge repeats (reflects) source columns
        boolean straight = rw == ws;
        float[] row = buf.row;
        int base = slot * nb * ws * ws;
        for (int b = 0; b < nb; b++) {
            float[] sb = buf.samples[b];
            for (int y = 0; y < ws; y++) {
                int sy = (ys[y] - y0) * rw;
                int dst = base + (b * ws + y) * ws;
                if (straight) {
                    buf.input.put(dst, sb, sy, ws);
                } else {
                    for (int x = 0; x < ws; x++) {
                        row[x] = sb[sy + xs[x] - x0];
                    }
                    buf.input.put(dst, row, 0, ws);
                }
            }
        }
        if (!buf.masked[slot]) {
            return true;
        }
        int rx0 = 0, ry0 = 0, rx1 = ws, ry1 = ws;
        if (stitch == Stitch.CROP) {
            rx0 = t.coreOffsetX();
            ry0 = t.coreOffsetY();
            rx1 = rx0 + t.coreWidth();
            ry1 = ry0 + t.coreHeight();
        }
        for (int y = ry0; y < ry1; y++) {
            for (int x = rx0; x < rx1; x++) {
                if (!mask[y * ws + x]) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Fills the window's nodata mask: every selected band equals the nodata value, any band is NaN,
     * or the alpha band is 0. Returns whether any pixel is masked.
     */
    private boolean mask(Buffers buf, boolean[] mask, int[] xs, int[] ys, int x0, int y0, int rw) {
        int ws = plan.windowSize();
        int nb = bands.length;
        boolean any = false;
        for (int y = 0; y < ws; y++) {
            int sy = (ys[y] - y0) * rw;
            for (int x = 0; x < ws; x++) {
                int s = sy + xs[x] - x0;
                boolean allNodata = hasNodata;
                boolean nan = false;
                for (int b = 0; b < nb; b++) {
                    float v = buf.samples[b][s];
                    nan |= Float.isNaN(v);
                    allNodata &= v == nodata;
                }
                boolean m = allNodata || nan || alphaBand >= 0 && buf.samples[nb][s] == 0;
                mask[y * ws + x] = m;
                any |= m;
            }
        }
        return any;
    }

    /** v * scale + offset over {@code a[0..n)}; NaN (masked anyway) becomes the normalised 0. */
    private void normalise(float[] a, int n, float scale, float offset) {
        if (floatSource) {
            for (int i = 0; i < n; i++) {
                float v = a[i];
                a[i] = v != v ? offset : v * scale + offset;
            }
        } else {
            for (int i = 0; i < n; i++) {
                a[i] = a[i] * scale + offset;
            }
        }
    }

    /** Denormalises slot {@code slot} of the output into a result for {@code t}; nodata → NaN. */
    private WindowResult extract(Tile t, Buffers buf, int slot) {
        int ws = plan.windowSize();
        int ox, oy, ow, oh;
        if (stitch == Stitch.CROP) {
            ox = t.coreOffsetX();
            oy = t.coreOffsetY();
            ow = t.coreWidth();
            oh = t.coreHeight();
        } else {
            ox = 0;
            oy = 0;
            ow = ws;
            oh = ws;
        }
        int nout = outScale.length;
        float[] data = new float[nout * ow * oh];
        boolean[] mask = buf.nodataMasks[slot];
        boolean masked = buf.masked[slot];
        int base = slot * nout * ws * ws;
        for (int b = 0; b < nout; b++) {
            float sc = outScale[b], of = outOffset[b];
            for (int y = 0; y < oh; y++) {
                int d = (b * oh + y) * ow;
                buf.output.get(base + (b * ws + oy + y) * ws + ox, data, d, ow);
                if (masked) {
                    int m = (oy + y) * ws + ox;
                    for (int x = 0; x < ow; x++) {
                        data[d + x] = mask[m + x] ? Float.NaN : data[d + x] * sc + of;
                    }
                } else {
                    for (int x = d; x < d + ow; x++) {
                        data[x] = data[x] * sc + of;
                    }
                }
            }
        }
        return new WindowResult(t.index(), t.windowX() + ox, t.windowY() + oy, ow, oh, data);
    }

    private static FloatBuffer direct(long floats) {
        if (floats * 4 > Integer.MAX_VALUE) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT, "a batch buffer of " + floats
                    + " floats is over 2 GiB; use a smaller batch or tile size");
        }
        return ByteBuffer.allocateDirect((int) (floats * 4)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static int min(int[] a) {
        int m = Integer.MAX_VALUE;
        for (int v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static int max(int[] a) {
        int m = Integer.MIN_VALUE;
        for (int v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
