package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.pipeline.TranslationOptions;
import org.junit.jupiter.api.Test;

/** The WPS parameters' defaults: an absent margin is the model card's, 0 is "no margin". */
class ArgumentsTest {
    @Test
    void marginAbsentMeansModelCardAndZeroMeansNone() {
        assertEquals(TranslationOptions.DEFAULT_MARGIN, Arguments.margin(null));
        assertEquals(0, Arguments.margin(0));
        assertEquals(16, Arguments.margin(16));
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> Arguments.margin(-1));
        assertEquals("margin must be >= 0, got -1", e.getMessage());
    }

    @Test
    void tileAbsentOrZeroMeansModelCard() {
        assertEquals(0, Arguments.tileSize(null));
        assertEquals(0, Arguments.tileSize(0));
        assertEquals(256, Arguments.tileSize(256));
        assertThrows(Eo2SarException.class, () -> Arguments.tileSize(-4));
    }
}
