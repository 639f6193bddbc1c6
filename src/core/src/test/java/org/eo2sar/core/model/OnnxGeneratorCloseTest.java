package org.eo2sar.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a generator while other threads are inside {@code OrtSession.run}: before the fix the
 * session was freed under the running threads and the JVM died with SIGSEGV in libonnxruntime.so
 * (the whole test JVM crashed). Now close() stops the runs in flight and waits for them.
 */
class OnnxGeneratorCloseTest {
    static final Path MODEL = TestData.testModel("tiny-tileinvariant.onnx");

    @Test
    @Timeout(120)
    void closeWaitsForRunsInFlightAndLaterRunsAreRefused() throws Exception {
        int threads = 4;
        int side = 512; // a run takes long enough that close() lands inside it
        OnnxGenerator g = OnnxGenerator.open(MODEL, DeviceSpec.CPU);
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> runners = new ArrayList<>();
        List<AtomicReference<Throwable>> outcomes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            outcomes.add(outcome);
            Thread th = new Thread(() -> {
                FloatBuffer in = OnnxGeneratorTest.direct(3 * side * side);
                FloatBuffer out = OnnxGeneratorTest.direct(side * side);
                started.countDown();
                try {
                    while (true) {
                        g.run(in, 1, side, side, out);
                    }
                } catch (Throwable e) {
                    outcome.set(e);
                }
            }, "runner-" + t);
            runners.add(th);
            th.start();
        }
        started.await();
        while (g.runsInFlight() == 0) {
            Thread.onSpinWait();
        }
        g.close();
        // close() returned: nothing may still be inside the session it freed
        assertEquals(0, g.runsInFlight());
        for (Thread th : runners) {
            th.join();
        }
        for (AtomicReference<Throwable> o : outcomes) {
            Throwable e = o.get();
            assertTrue(e instanceof Eo2SarException, "runner ended with " + e);
            assertEquals(Kind.CANCELLED, ((Eo2SarException) e).kind(), e.getMessage());
        }
        Eo2SarException later = assertThrows(Eo2SarException.class,
                () -> g.run(OnnxGeneratorTest.direct(3 * 16), 1, 4, 4, OnnxGeneratorTest.direct(16)));
        assertEquals(Kind.CANCELLED, later.kind());
        assertTrue(later.getMessage().contains("is closed"), later.getMessage());
        g.close(); // idempotent
    }

    @Test
    void closeWithNothingRunningIsImmediateAndIdempotent() {
        OnnxGenerator g = OnnxGenerator.open(MODEL, DeviceSpec.CPU);
        g.close();
        g.close();
        assertEquals(0, g.runsInFlight());
    }
}
