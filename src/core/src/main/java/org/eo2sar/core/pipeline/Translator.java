package org.eo2sar.core.pipeline;

import java.awt.image.RenderedImage;
import java.util.Arrays;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.Progress;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.tiling.TilePlan;

/**
 * Turns an EO image into a lazy translated image with one generator. Validates options against
 * the model card up front so bad arguments fail before any output exists.
 */
public final class Translator {
    private final OnnxGenerator generator;
    private final int workers;
    private final TranslationLimits limits;

    /** Workers default to one per CPU core divided by the model's intra-op threads (2 on CUDA). */
    public Translator(OnnxGenerator generator) {
        this(generator, 0);
    }

    /** @param workers batches computed in parallel; 0 = default */
    public Translator(OnnxGenerator generator, int workers) {
        this(generator, workers, TranslationLimits.DEFAULTS);
    }

    /** @param limits bounds on the raster size, tile, margin, batch and buffer memory of each translation */
    public Translator(OnnxGenerator generator, int workers, TranslationLimits limits) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        if (workers < 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "workers must be >= 0, got " + workers);
        }
        this.generator = generator;
        int cores = Runtime.getRuntime().availableProcessors();
        int intra = generator.intraOpThreads() == 0 ? cores : generator.intraOpThreads();
        this.workers = workers > 0 ? workers : generator.isCuda() ? 2 : Math.max(1, cores / intra);
    }

    public OnnxGenerator generator() {
        return generator;
    }

    public int workers() {
        return workers;
    }

    public TranslationLimits limits() {
        return limits;
    }

    /**
     * @throws Eo2SarException INVALID_ARGUMENT for band selections that do not match the card,
     *                         tile/margin that break the model's multiple, or a bad batch size
     */
    public TranslatedImage translate(RenderedImage eo, TranslationOptions options, Progress progress) {
        ModelCard card = generator.card();
        limits.checkRaster("the input", eo.getWidth(), eo.getHeight(), eo.getSampleModel().getNumBands());
        int nb = eo.getSampleModel().getNumBands();
        if (options.alphaBand() >= nb) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "alpha band " + (options.alphaBand() + 1) + " does not exist; the input has "
                    + nb + " bands");
        }
        int[] bands = bands(nb, options.alphaBand(), options.bands(), card);
        int tile = options.tileSize() > 0 ? options.tileSize() : card.tileSize();
        int margin = options.margin() >= 0 ? options.margin() : card.tileMargin();
        if (options.tileSize() < 0 || options.margin() < TranslationOptions.DEFAULT_MARGIN) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "tile size must be >= 0 (0 = model default) and margin >= 0"
                    + " (or -1 = model default), got " + options.tileSize() + " and " + options.margin());
        }
        // before any arithmetic on them: tile + 2 x margin must not overflow, nor buffers explode
        limits.checkRequest(tile, margin, options.batchSize());
        TilePlan plan = TilePlan.of(eo.getWidth(), eo.getHeight(), tile, margin, card.tileMultiple());
        int batch = batchSize(options.batchSize());
        limits.checkRequest(plan.tileSize(), plan.margin(), batch);
        limits.checkMemory(plan.tileSize() + 2L * plan.margin(), Math.max(batch, generator.fixedBatch()), workers,
                bands.length, card.outputBands().size());
        checkFixedSize(plan);
        RoiMask roi = null;
        if (options.roi() != null) {
            if (options.roi().isEmpty() || options.roi().getDimension() != 2) {
                throw new Eo2SarException(Kind.INVALID_ARGUMENT, "area of interest must be a non-empty polygon, got "
                        + options.roi().getGeometryType());
            }
            if (!options.roi().intersects(options.roi().getFactory().toGeometry(
                    new org.locationtech.jts.geom.Envelope(0, eo.getWidth(), 0, eo.getHeight())))) {
                throw new Eo2SarException(Kind.INVALID_ARGUMENT, "area of interest " + options.roi().getEnvelopeInternal()
                        + " (pixels) does not overlap the " + eo.getWidth() + "x" + eo.getHeight() + " raster");
            }
            roi = new RoiMask(options.roi());
        }
        TileEngine engine = new TileEngine(eo, plan, generator, bands, options.inputNodata(), options.alphaBand(),
                options.stitch(), batch);
        return new TranslatedImage(eo, plan, engine, options.stitch(), options.outputType(), roi, batch, workers, progress);
    }

    private int batchSize(int requested) {
        if (requested < 0) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "batch size must be >= 0 (0 = default), got " + requested);
        }
        int fixed = generator.fixedBatch();
        if (fixed > 0) {
            if (requested > 0 && requested != fixed) {
                throw new Eo2SarException(Kind.INVALID_ARGUMENT, "model " + generator.path().getFileName()
                        + " has a fixed batch size of " + fixed + ", got --batch " + requested);
            }
            return fixed;
        }
        return requested > 0 ? requested : generator.isCuda() ? 4 : 1;
    }

    private void checkFixedSize(TilePlan plan) {
        int fh = generator.fixedHeight();
        int fw = generator.fixedWidth();
        int ws = plan.windowSize();
        if ((fh > 0 && fh != ws) || (fw > 0 && fw != ws)) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "model " + generator.path().getFileName() + " takes "
                    + fh + "x" + fw + " inputs but tile " + plan.tileSize() + " + 2x margin " + plan.margin() + " = " + ws);
        }
    }

    /**
     * The 0-based source bands in the model's input order ({@code requested}, or the first N).
     *
     * @throws Eo2SarException INVALID_ARGUMENT when they do not fit the raster or the model
     */
    public static int[] bands(int available, int[] requested, ModelCard card) {
        return bands(available, -1, requested, card);
    }

    /**
     * As {@link #bands(int, int[], ModelCard)}; the default selection skips {@code alphaBand} (-1 = none):
     * a 4-band model given an RGBA file must not take its alpha for nir.
     */
    public static int[] bands(int available, int alphaBand, int[] requested, ModelCard card) {
        int need = card.inputBands().size();
        if (requested == null) {
            int[] candidates = java.util.stream.IntStream.range(0, available).filter(b -> b != alphaBand).toArray();
            if (candidates.length < need) {
                throw new Eo2SarException(Kind.INVALID_ARGUMENT, "the model needs " + need + " input bands "
                        + card.inputBands() + " but the input has only " + candidates.length
                        + (alphaBand >= 0 ? " besides its alpha band " + (alphaBand + 1) + " (the nodata mask)" : ""));
            }
            return Arrays.copyOf(candidates, need);
        }
        if (requested.length != need) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "the model needs " + need + " input bands "
                    + card.inputBands() + " but " + requested.length + " were selected " + Arrays.toString(oneBased(requested)));
        }
        for (int b : requested) {
            if (b < 0 || b >= available) {
                throw new Eo2SarException(Kind.INVALID_ARGUMENT, "band " + (b + 1) + " does not exist; the input has "
                        + available + " band" + (available == 1 ? "" : "s") + " (bands are numbered from 1)");
            }
        }
        return requested.clone();
    }

    private static int[] oneBased(int[] b) {
        return Arrays.stream(b).map(i -> i + 1).toArray();
    }
}
