package org.eo2sar.core;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.model.ModelCard;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.AreaOfInterest;
import org.eo2sar.core.pipeline.OutputType;
import org.eo2sar.core.pipeline.TranslatedImage;
import org.eo2sar.core.pipeline.TranslationOptions;
import org.eo2sar.core.pipeline.TranslationLimits;
import org.eo2sar.core.pipeline.TranslationStats;
import org.eo2sar.core.pipeline.Translator;
import org.eo2sar.core.raster.GdalMetadata;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.RasterInfo;
import org.eo2sar.core.raster.WriteOptions;
import org.locationtech.jts.geom.Geometry;

/**
 * GeoTIFF in, GeoTIFF out: opens the input lazily, translates it tile by tile and streams the
 * result to a tiled Deflate GeoTIFF on exactly the input's grid (written to a temporary file and
 * renamed, so a failure leaves no output). The command line and the OGC API server call this.
 */
public final class FileTranslation {
    private FileTranslation() {
    }

    /**
     * @throws Eo2SarException INVALID_INPUT (unreadable input), INVALID_ARGUMENT (options that do not
     *                         fit the model or the raster), IO, CANCELLED; the output is then absent
     */
    public static TranslateResult run(OnnxGenerator generator, TranslateRequest request, Progress progress) {
        return run(generator, request, progress, 0);
    }

    /**
     * As {@link #run(OnnxGenerator, TranslateRequest, Progress)} with an explicit number of tile
     * batches computed in parallel ({@code eo2sar translate --threads}); 0 = {@link Translator}'s default.
     */
    public static TranslateResult run(OnnxGenerator generator, TranslateRequest request, Progress progress, int workers) {
        return run(generator, request, progress, workers, TranslationLimits.DEFAULTS);
    }

    /**
     * As {@link #run(OnnxGenerator, TranslateRequest, Progress, int)} within {@code limits}
     * (raster size, tile, margin, batch, buffer memory, read deadline): over a limit is
     * INVALID_ARGUMENT naming it, before any output exists.
     */
    public static TranslateResult run(OnnxGenerator generator, TranslateRequest request, Progress progress, int workers,
                                      TranslationLimits limits) {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(limits, "limits");
        long t0 = System.nanoTime();
        Path in = request.input().toAbsolutePath().normalize();
        Path out = request.output().toAbsolutePath().normalize();
        if (in.equals(out) || (Files.exists(out) && Files.exists(in) && sameFile(in, out))) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "output " + request.output() + " is the input file");
        }
        try (GeoRaster raster = GeoTiffRasters.open(request.input(), limits.readTimeout())) {
            RasterInfo info = raster.info();
            limits.checkRaster(request.input().toString(), info.width(), info.height(), info.bandCount());
            Geometry roi = request.aoi() == null ? null
                    : AreaOfInterest.parse(request.aoi(), request.aoiCrs(), info.georef());
            TranslationOptions options = new TranslationOptions(request.bands(), request.tileSize(), request.margin(),
                    request.batchSize(), request.stitch(), request.outputType(), info.nodata(), roi,
                    info.alphaBand().orElse(-1));
            int[] bands = Translator.bands(info.bandCount(), options.alphaBand(), request.bands(), generator.card());
            InputCheck.check(generator.card(), raster.image(), bands, info.dataType(), info.nodata(), info.georef()).ifPresent(progress::warn);
            // float32 dB barely compresses past Deflate's entropy coding: level 1 where string matching is tried
            // at all (the writer uses Huffman coding alone on blocks without repeats); uint8 codes (predictor 2)
            // are 15 % larger at 1, so they keep 6 (docs/decisions.md, 18)
            WriteOptions write = (request.outputType() == OutputType.UINT8
                    ? WriteOptions.defaults().withNodata(0) : WriteOptions.defaults().withDeflateLevel(1))
                    .withMetadata(outputMetadata(generator, request)).withLayout(WriteOptions.Layout.COG)
                    .withCompression(request.compression());
            try (TranslatedImage image = new Translator(generator, workers, limits).translate(raster.image(), options, progress)) {
                GeoTiffRasters.write(image, info.georef(), request.output(), write);
                TranslationStats s = image.stats();
                return new TranslateResult(request.output(), info.width(), info.height(), s.tilesRun(),
                        s.tilesSkipped(), Duration.ofNanos(System.nanoTime() - t0), Duration.ofNanos(s.inferenceNanos()));
            }
        }
    }

    /** Band names and unit from the card, the uint8 mapping as scale/offset, and where the output came from. */
    static GdalMetadata outputMetadata(OnnxGenerator generator, TranslateRequest request) {
        ModelCard card = generator.card();
        Map<String, String> items = new LinkedHashMap<>();
        items.put("EO2SAR_MODEL", card.name() + " " + card.version());
        items.put("EO2SAR_MODEL_SHA256", generator.sha256());
        String version = FileTranslation.class.getPackage().getImplementationVersion();
        items.put("EO2SAR_VERSION", version == null ? "development build" : version);
        items.put("EO2SAR_INPUT", String.valueOf(request.input().getFileName()));
        items.put("EO2SAR_CREATED", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        int n = card.outputBands().size();
        double[] scale = null;
        double[] offset = null;
        if (request.outputType() == OutputType.UINT8) { // dB = (v - 1) / 254 * (max - min) + min, 0 = nodata
            double s = (OutputType.UINT8_MAX_DB - OutputType.UINT8_MIN_DB) / 254.0;
            scale = new double[n];
            offset = new double[n];
            Arrays.fill(scale, s);
            Arrays.fill(offset, OutputType.UINT8_MIN_DB - s);
        }
        return new GdalMetadata(items, card.outputBands(), card.outputUnit(), scale, offset);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
