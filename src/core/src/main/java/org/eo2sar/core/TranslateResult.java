package org.eo2sar.core;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a file-to-file translation did.
 *
 * @param tilesRun     tiles that went through the model
 * @param tilesSkipped tiles skipped without inference (all nodata or outside the area of interest)
 * @param wall         wall time from opening the input to the renamed output
 * @param inference    time inside {@code OrtSession.run}, summed over parallel workers
 */
public record TranslateResult(Path output, int width, int height, long tilesRun, long tilesSkipped,
                              Duration wall, Duration inference) {
}
