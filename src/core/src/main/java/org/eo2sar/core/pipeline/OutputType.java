package org.eo2sar.core.pipeline;

/** Sample type of the translated raster. */
public enum OutputType {
    /** float32 in the model's output unit (dB); nodata is NaN. */
    FLOAT32,
    /**
     * uint8 for display: {@code dB} clamped to [{@value #UINT8_MIN_DB}, {@value #UINT8_MAX_DB}] and
     * mapped linearly to 1..255, i.e. {@code 1 + round((clamp(dB) + 25) / 25 * 254)}; 0 is nodata.
     */
    UINT8;

    /** Lowest value of the uint8 display range (maps to 1). */
    public static final double UINT8_MIN_DB = -25.0;
    /** Highest value of the uint8 display range (maps to 255). */
    public static final double UINT8_MAX_DB = 0.0;

    /** The uint8 display value of {@code db}; NaN (nodata) becomes 0. */
    public static int toUint8(float db) {
        if (Float.isNaN(db)) {
            return 0;
        }
        double c = Math.min(UINT8_MAX_DB, Math.max(UINT8_MIN_DB, db));
        return 1 + (int) Math.round((c - UINT8_MIN_DB) / (UINT8_MAX_DB - UINT8_MIN_DB) * 254.0);
    }

    /** Approximate inverse of {@link #toUint8} (NaN for 0). */
    public static double fromUint8(int v) {
        return v == 0 ? Double.NaN : UINT8_MIN_DB + (v - 1) / 254.0 * (UINT8_MAX_DB - UINT8_MIN_DB);
    }
}
