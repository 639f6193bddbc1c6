package org.eo2sar.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FileRangeSenderTest {
    @Test
    void parsesSingleRanges() {
        assertEquals(new FileRangeSender.Range(0, 99), FileRangeSender.parse("bytes=0-99", 1000));
        assertEquals(new FileRangeSender.Range(990, 999), FileRangeSender.parse("bytes=990-", 1000));
        assertEquals(new FileRangeSender.Range(900, 999), FileRangeSender.parse("bytes=-100", 1000));
        assertEquals(new FileRangeSender.Range(0, 999), FileRangeSender.parse("bytes=-5000", 1000));
        assertEquals(new FileRangeSender.Range(500, 999), FileRangeSender.parse("bytes=500-99999", 1000));
    }

    @Test
    void ignoresWhatItDoesNotServeAndRefusesTheUnsatisfiable() {
        assertNull(FileRangeSender.parse(null, 1000));
        assertNull(FileRangeSender.parse("bytes=0-1,5-6", 1000));
        assertNull(FileRangeSender.parse("items=0-1", 1000));
        assertNull(FileRangeSender.parse("bytes=9-1", 1000));
        assertThrows(FileRangeSender.RangeNotSatisfiable.class, () -> FileRangeSender.parse("bytes=1000-", 1000));
        assertThrows(FileRangeSender.RangeNotSatisfiable.class, () -> FileRangeSender.parse("bytes=-0", 1000));
    }
}
