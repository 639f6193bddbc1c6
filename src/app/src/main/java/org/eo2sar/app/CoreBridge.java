package org.eo2sar.app;

import java.nio.file.Path;
import org.eo2sar.core.FileTranslation;
import org.eo2sar.core.TranslateRequest;
import org.eo2sar.core.TranslateResult;
import org.eo2sar.core.Progress;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.OutputType;
import org.eo2sar.core.pipeline.Stitch;
import org.eo2sar.core.pipeline.TranslationLimits;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.WriteOptions;
import org.eo2sar.core.raster.RasterInfo;
import org.eo2sar.core.raster.RasterInfoFormatter;

/**
 * The app's only calls into the core's file-level facade (docs/architecture.md), so the CLI
 * and the server translate exactly the same way.
 */
public final class CoreBridge {
    private CoreBridge() {
    }

    /** What a finished translation reports. */
    public record Summary(Path output, int width, int height, long tilesRun, long tilesSkipped,
                          long wallMillis, long inferenceMillis) {
        public String toJson() {
            return "{\"width\":" + width + ",\"height\":" + height + ",\"tilesRun\":" + tilesRun
                    + ",\"tilesSkipped\":" + tilesSkipped + ",\"wallMillis\":" + wallMillis
                    + ",\"inferenceMillis\":" + inferenceMillis + "}";
        }
    }

    /** Width × height of a raster, opening only its header. */
    public static long pixelCount(Path raster) {
        RasterInfo info = GeoTiffRasters.info(raster);
        return (long) info.width() * info.height();
    }

    /** A raster's description for {@code eo2sar info}. */
    public static String rasterInfo(Path raster) {
        return RasterInfoFormatter.format(GeoTiffRasters.info(raster));
    }

    public static Summary translate(OnnxGenerator generator, Path input, Path output, TranslateParams p, Progress progress) {
        return translate(generator, input, output, p, progress, TranslationLimits.DEFAULTS);
    }

    /** As above within {@code limits} (the CLI's --max-pixels, --max-memory, --read-timeout). */
    public static Summary translate(OnnxGenerator generator, Path input, Path output, TranslateParams p, Progress progress,
                                    TranslationLimits limits) {
        // Defaults pass through unchanged: tile 0 = the card's, batch 0 = 1 on CPU / 4 on CUDA,
        // margin -1 = the card's (0 = no margin).
        TranslateRequest request = new TranslateRequest(input, output, p.zeroBasedBands(), p.tile(),
                p.margin(), p.batch(), p.blend() ? Stitch.FEATHER : Stitch.CROP,
                p.outputType().equals("uint8") ? OutputType.UINT8 : OutputType.FLOAT32, p.aoi(), p.aoiCrs(),
                WriteOptions.Compression.valueOf(p.compression().toUpperCase(java.util.Locale.ROOT)));
        TranslateResult r = FileTranslation.run(generator, request, progress, p.threads(), limits);
        return new Summary(r.output(), r.width(), r.height(), r.tilesRun(), r.tilesSkipped(),
                r.wall().toMillis(), r.inference().toMillis());
    }
}
