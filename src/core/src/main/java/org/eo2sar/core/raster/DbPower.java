package org.eo2sar.core.raster;

/**
 * dB ↔ linear power for the overviews' power means, without {@code Math.exp}/{@code Math.log10}: one
 * exponential per full-resolution pixel and one logarithm per overview pixel made {@code Math}'s versions
 * the single largest cost of writing a COG. Range reduction to a power of two plus a short polynomial
 * gives a relative error under 1e-8 (power) and 1e-6 dB (float32's own resolution at -20 dB).
 */
final class DbPower {
    private static final double LOG2_10_OVER_10 = Math.log(10) / Math.log(2) / 10;
    private static final double LN2 = Math.log(2);
    private static final double DB_PER_LN = 10 / Math.log(10);
    private static final double SQRT2 = Math.sqrt(2);
    /** 1.5 x 2^52: adding it rounds a small double to an integer held in the low bits. */
    private static final double ROUND = 6755399441055744.0;

    private DbPower() {
    }

    /**
     * 10^(db / 10); NaN for NaN; clamped to float's normal range (about -379 to +382 dB). Branch-free, so
     * that random data costs what smooth data does (Math.exp behind a NaN test was 2-4x slower on noise).
     */
    static double power(float db) {
        double x = db * LOG2_10_OVER_10;
        x = x < -126 ? -126 : x > 127 ? 127 : x; // NaN stays NaN
        double t = x + ROUND; // the low mantissa bits of t now hold round(x)
        long k = Double.doubleToRawLongBits(t);
        double f = (x - (t - ROUND)) * LN2; // |f| <= ln2 / 2: the degree-7 Taylor series errs by < 1e-8
        double e = 1 + f * (1 + f * (1.0 / 2 + f * (1.0 / 6 + f * (1.0 / 24 + f * (1.0 / 120
                + f * (1.0 / 720 + f * (1.0 / 5040)))))));
        return e * Double.longBitsToDouble((k + 1023) << 52);
    }

    /** 10 log10(p), for finite {@code p > 0}. */
    static float db(double p) {
        long bits = Double.doubleToRawLongBits(p);
        int exponent = (int) ((bits >>> 52) & 0x7FF) - 1023;
        double m = Double.longBitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (m > SQRT2) {
            m *= 0.5;
            exponent++;
        }
        // ln m = 2 atanh(s), |s| <= 0.172: four terms err by < 1e-9
        double s = (m - 1) / (m + 1);
        double s2 = s * s;
        double ln = 2 * s * (1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9)))));
        return (float) ((exponent * LN2 + ln) * DB_PER_LN);
    }
}
