package org.eo2sar.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eo2sar.core.Eo2SarException;
import org.junit.jupiter.api.Test;

class ModelCardTest {
    static final ModelCard CARD = new ModelCard("m", "1.0", "d", List.of("red", "green", "blue"),
            new double[] {0.5, 0.5, 0.5}, new double[] {-1, -1, -1}, List.of("VV"), "dB", new double[] {12.5},
            new double[] {-12.5}, 4, 256, 32, 10, true, "{\"method\":\"x\"}",
            List.of(new ModelCard.ValueRange(10, 200), new ModelCard.ValueRange(12, 210), new ModelCard.ValueRange(8, 190)));

    @Test
    void roundTripsThroughMetadata() {
        ModelCard back = ModelCard.parse(CARD.toMetadata());
        assertEquals(CARD.inputBands(), back.inputBands());
        assertArrayEquals(CARD.inputScale(), back.inputScale());
        assertArrayEquals(CARD.outputOffset(), back.outputOffset());
        assertEquals(256, back.tileSize());
        assertEquals(32, back.tileMargin());
        assertEquals(4, back.tileMultiple());
        assertEquals(10.0, back.gsd());
        assertTrue(back.tileInvariant());
        assertEquals("{\"method\":\"x\"}", back.trainingJson());
        assertEquals(CARD.inputRange(), back.inputRange());
    }

    @Test
    void optionalKeysMayBeMissing() {
        Map<String, String> m = OnnxMetadata.with(CARD, "eo2sar.gsd", null);
        m.remove("eo2sar.description");
        m.remove("eo2sar.training");
        m.remove("eo2sar.input.range");
        ModelCard c = ModelCard.parse(m);
        assertTrue(c.inputRange().isEmpty());
        assertTrue(Double.isNaN(c.gsd()));
        assertEquals("", c.description());
    }

    @Test
    void everyProblemNamesTheKey() {
        assertBad(OnnxMetadata.with(CARD, "eo2sar.format", "2"), "eo2sar.format");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.name", null), "eo2sar.name is missing");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.input.bands", "red,green"), "eo2sar.input.bands");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.input.scale", "[1, 2]"), "eo2sar.input.scale has 2 values, expected 3");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.output.offset", "[\"a\"]"), "eo2sar.output.offset");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.tile.size", "250"), "eo2sar.tile.size is 250, not a multiple");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.tile.margin", "-4"), "eo2sar.tile.margin");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.tile.multiple", "four"), "eo2sar.tile.multiple is not an integer");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.tile_invariant", "yes"), "eo2sar.tile_invariant");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.training", "{oops"), "eo2sar.training is not valid JSON");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.gsd", "-3"), "eo2sar.gsd");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.input.range", "[[0, 1], [0, 1]]"), "eo2sar.input.range has 2 values");
        assertBad(OnnxMetadata.with(CARD, "eo2sar.input.range", "[[0, 1], [5, 1], [0, 1]]"), "low < high");
    }

    @Test
    void presenceNeedsAnEo2sarKey() {
        assertFalse(ModelCard.present(Map.of("producer", "x")));
        assertTrue(ModelCard.present(Map.of("eo2sar.name", "x")));
    }

    private static void assertBad(Map<String, String> md, String expected) {
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> ModelCard.parse(md));
        assertEquals(Eo2SarException.Kind.INVALID_MODEL, e.kind());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
