package org.eo2sar.core.pipeline;

/** How overlapping tile windows become one output. */
public enum Stitch {
    /** Keep each tile's core and drop its margins (default; each output pixel comes from one run). */
    CROP,
    /**
     * Blend neighbouring windows with linear weights across a band of width M (the margin)
     * centred on each tile border; the weights sum to one, so tiles meet without a step. Only
     * pixels at least M/2 inside a window are used, so a tile-invariant model gives the
     * whole-image result when M/2 covers its receptive field (CROP needs M). Same inference as
     * CROP, but keeps a row of window outputs in memory.
     */
    FEATHER
}
