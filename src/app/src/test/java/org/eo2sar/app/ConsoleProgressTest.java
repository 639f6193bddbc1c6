package org.eo2sar.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConsoleProgressTest {
    @Test
    void plainModePrintsOneLinePerTenPercent() {
        StringWriter s = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(s, true), false);
        for (int done = 1; done <= 100; done++) {
            p.update(done, 100);
        }
        p.finish();
        long lines = s.toString().lines().count();
        assertEquals(11, lines, s.toString()); // the first update, then 10%, 20%, ..., 100%
        assertTrue(s.toString().lines().allMatch(l -> l.matches("progress: \\d+/100 tiles \\(\\d+%\\), [0-9.]+ tiles/s, ETA .*")));
        assertTrue(s.toString().contains("progress: 100/100 tiles (100%)"));
    }

    @Test
    void terminalModeRedrawsOneBarAndEndsTheLine() {
        StringWriter s = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(s, true), true);
        p.update(0, 4);
        p.update(4, 4);
        p.finish();
        String out = s.toString();
        assertTrue(out.startsWith("\r["), out);
        assertTrue(out.contains("[" + "#".repeat(30) + "] 4/4 tiles"), out);
        assertTrue(out.endsWith(System.lineSeparator()), "the bar's line is ended");
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), "one line, redrawn with carriage returns");
    }

    @Test
    void cancelIsSeenByTheCore() {
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(new StringWriter()), false);
        p.cancel();
        assertTrue(p.isCancelled());
    }

    @Test
    void durationsParseAsPeopleWriteThem() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofHours(24), Durations.parse("24h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("PT30M"));
        assertThrows(TypeConversionException.class, () -> Durations.parse("soon"));
        assertEquals("1:01:01", ConsoleProgress.duration(3661));
    }
}
