package org.eo2sar.core.pipeline;

/**
 * Counters of a translation so far.
 *
 * @param tilesTotal     tiles in the plan
 * @param tilesRun       tiles that went through the model (first computation)
 * @param tilesSkipped   tiles skipped without inference (all nodata, or outside the ROI)
 * @param inferenceNanos time spent inside {@code OrtSession.run}, summed over all calls (on
 *                       parallel workers this can exceed the wall time)
 * @param wallNanos      from the first tile request to the last finished batch
 * @param runs           {@code OrtSession.run} calls
 */
public record TranslationStats(long tilesTotal, long tilesRun, long tilesSkipped, long inferenceNanos,
                               long wallNanos, long runs) {
}
