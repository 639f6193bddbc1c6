package org.eo2sar.core.pipeline;

import java.time.Duration;
import java.util.Objects;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.raster.ReadGuard;

/**
 * Upper bounds on the work one translation may ask for, checked before anything is allocated or
 * read, so a request with absurd numbers (a margin of 2^31 - 4, a 6000 px margin on a 64 px
 * raster, a batch of a million) gets a clear INVALID_ARGUMENT naming the limit instead of an
 * integer overflow, a 4 GB allocation or an all-NaN output.
 *
 * @param maxPixels      largest input, width x height
 * @param maxTile        largest core tile side (px)
 * @param maxMargin      largest context margin (px)
 * @param maxBatch       most tiles per inference call
 * @param maxBands       most input bands a raster may have
 * @param maxMemoryBytes largest estimate of the translation's tile buffers (all workers together)
 * @param readTimeout    deadline of one pixel read of the input
 */
public record TranslationLimits(long maxPixels, int maxTile, int maxMargin, int maxBatch, int maxBands,
                                long maxMemoryBytes, Duration readTimeout) {
    /** Limits a desktop run of any sensible size stays within. */
    public static final TranslationLimits DEFAULTS = new TranslationLimits(1L << 31, 8192, 2048, 256, 4096,
            2L << 30, ReadGuard.DEFAULT_TIMEOUT);

    public TranslationLimits {
        Objects.requireNonNull(readTimeout, "readTimeout");
        positive(maxPixels, "pixel");
        positive(maxTile, "tile");
        positive(maxBatch, "batch");
        positive(maxBands, "band");
        positive(maxMemoryBytes, "memory");
        if (maxMargin < 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "the margin limit must be >= 0, got " + maxMargin);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "the read timeout must be positive, got " + readTimeout);
        }
    }

    public TranslationLimits withMaxPixels(long n) {
        return new TranslationLimits(n, maxTile, maxMargin, maxBatch, maxBands, maxMemoryBytes, readTimeout);
    }

    public TranslationLimits withMaxMargin(int n) {
        return new TranslationLimits(maxPixels, maxTile, n, maxBatch, maxBands, maxMemoryBytes, readTimeout);
    }

    public TranslationLimits withMaxMemoryBytes(long n) {
        return new TranslationLimits(maxPixels, maxTile, maxMargin, maxBatch, maxBands, n, readTimeout);
    }

    public TranslationLimits withReadTimeout(Duration d) {
        return new TranslationLimits(maxPixels, maxTile, maxMargin, maxBatch, maxBands, maxMemoryBytes, d);
    }

    /** Refuses a raster larger than {@link #maxPixels} or with more than {@link #maxBands} bands. */
    public void checkRaster(String name, long width, long height, int bands) {
        if (width * height > maxPixels) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, name + " has " + width + "x" + height + " = " + width * height
                    + " pixels, over the limit of " + maxPixels + " pixels");
        }
        if (bands > maxBands) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, name + " has " + bands + " bands, over the limit of "
                    + maxBands + " bands");
        }
    }

    /** Refuses a tile, margin or batch over its limit (values as requested; 0 / -1 = defaults are fine). */
    void checkRequest(int tile, int margin, int batch) {
        if (tile > maxTile) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "tile size " + tile + " is over the limit of " + maxTile + " px");
        }
        if (margin > maxMargin) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "margin " + margin + " is over the limit of " + maxMargin + " px");
        }
        if (batch > maxBatch) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "batch size " + batch + " is over the limit of " + maxBatch
                    + " tiles");
        }
    }

    /**
     * Refuses a plan whose tile buffers would pass {@link #maxMemoryBytes}: per worker the batch's
     * input and output tensors, the nodata masks and the window's samples.
     */
    void checkMemory(long window, int batch, int workers, int inBands, int outBands) {
        long px = window * window;
        long perWorker = batch * px * (4L * inBands + 4L * outBands + 1) + px * 4L * inBands;
        long total = perWorker * workers;
        if (total > maxMemoryBytes || total < 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, String.format(java.util.Locale.ROOT,
                    "%d px windows (tile + 2 x margin) x batch %d x %d workers need about %.1f MiB of tile buffers,"
                            + " over the memory limit of %.1f MiB; use a smaller tile, margin, batch or thread count",
                    window, batch, workers, total / 1048576.0, maxMemoryBytes / 1048576.0));
        }
    }

    private static void positive(long v, String what) {
        if (v <= 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "the " + what + " limit must be positive, got " + v);
        }
    }
}
