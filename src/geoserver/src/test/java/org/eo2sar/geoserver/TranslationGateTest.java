package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.junit.jupiter.api.Test;

/** The per-GeoServer bound on concurrent translations. */
class TranslationGateTest {
    @Test
    void aFullGateRefusesWhenTheWaitRunsOut() {
        TranslationGate gate = new TranslationGate(1, 0);
        try (TranslationGate.Permit held = gate.enter(() -> false)) {
            assertEquals(0, gate.available());
            Eo2SarException e = assertThrows(Eo2SarException.class, () -> gate.enter(() -> false));
            assertTrue(e.getMessage().startsWith("server busy: 1 translations running"), e.getMessage());
        }
        assertEquals(1, gate.available());
        gate.enter(() -> false).close();
        assertEquals(1, gate.available());
    }

    @Test
    void aCancelledRequestStopsWaiting() {
        TranslationGate gate = new TranslationGate(1, 3600);
        try (TranslationGate.Permit held = gate.enter(() -> false)) {
            Eo2SarException e = assertThrows(Eo2SarException.class, () -> gate.enter(() -> true));
            assertEquals(Kind.CANCELLED, e.kind());
        }
        assertEquals(1, gate.available());
    }
}
