package org.eo2sar.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class Eo2SarExceptionTest {
    @Test
    void multiLineLibraryTextBecomesOneLine() {
        Eo2SarException e = new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT,
                "area of interest CRS 'EPSG:9999' is unknown: No code \"EPSG:9999\"\n  from authority\r\n\"EPSG\".\n");
        assertEquals("area of interest CRS 'EPSG:9999' is unknown: No code \"EPSG:9999\" from authority \"EPSG\".",
                e.getMessage());
        assertEquals(Eo2SarException.Kind.INVALID_ARGUMENT, e.kind());
    }

    @Test
    void terminalEscapeSequencesAreShownNotSent() {
        Eo2SarException e = new Eo2SarException(Eo2SarException.Kind.INVALID_INPUT,
                "a.tif has an unreadable GDAL_NODATA value \"\u001b]0;pwned\u0007\u001b[2J\tx\"");
        assertEquals("a.tif has an unreadable GDAL_NODATA value \"\\u001b]0;pwned\\u0007\\u001b[2J\\u0009x\"",
                e.getMessage());
    }

    @Test
    void nullMessageStaysNull() {
        assertNull(new Eo2SarException(Eo2SarException.Kind.IO, null).getMessage());
    }
}
