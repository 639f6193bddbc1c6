package org.eo2sar.core.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DbPowerTest {
    @Test
    void powerMatchesMathExpToFloatResolution() {
        double worst = 0;
        for (float db = -120f; db <= 60f; db += 0.0137f) {
            double exact = Math.pow(10, db / 10.0);
            worst = Math.max(worst, Math.abs(DbPower.power(db) / exact - 1));
        }
        assertTrue(worst < 1e-8, "relative error " + worst);
        assertEquals(1.0, DbPower.power(0f), 1e-12);
        assertEquals(0.01, DbPower.power(-20f), 1e-9);
    }

    @Test
    void dbMatchesMathLog10ToFloatResolution() {
        double worst = 0;
        for (double p = 1e-12; p < 1e6; p *= 1.0173) {
            worst = Math.max(worst, Math.abs(DbPower.db(p) - 10 * Math.log10(p)));
        }
        assertTrue(worst < 1e-5, "dB error " + worst);
        assertEquals(-20f, DbPower.db(0.01), 1e-5);
        assertEquals(0f, DbPower.db(1.0), 0);
    }

    @Test
    void roundTripsAndClampsOutsideFloatRange() {
        for (float db = -60f; db <= 40f; db += 0.25f) {
            assertEquals(db, DbPower.db(DbPower.power(db)), 1e-5);
        }
        // far past float32's normal range the power clamps instead of reaching 0 (whose log is -inf)
        assertTrue(DbPower.power(-1000f) > 0);
        assertTrue(Double.isFinite(DbPower.db(DbPower.power(-1000f))));
        assertTrue(Double.isFinite(DbPower.power(1000f)));
        assertTrue(Double.isNaN(DbPower.power(Float.NaN)), "NaN (nodata) stays NaN");
    }
}
