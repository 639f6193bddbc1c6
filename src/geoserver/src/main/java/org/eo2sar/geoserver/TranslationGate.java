package org.eo2sar.geoserver;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;

/**
 * At most N translations at once per GeoServer: each holds one permit while it computes. Waiting
 * requests give up when cancelled or after the queue timeout, so a busy server answers instead of
 * piling up work.
 */
public final class TranslationGate {
    private static final long POLL_MILLIS = 100;

    private final Semaphore permits;
    private final int size;
    private final long timeoutMillis;

    public TranslationGate(int size, int timeoutSeconds) {
        this.size = size;
        this.permits = new Semaphore(size, true);
        this.timeoutMillis = TimeUnit.SECONDS.toMillis(timeoutSeconds);
    }

    /** A held permit; closing it releases the slot. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for a free slot.
     *
     * @throws Eo2SarException CANCELLED when {@code cancelled} turns true while waiting, IO when no slot frees in time
     */
    public Permit enter(BooleanSupplier cancelled) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (!permits.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (cancelled.getAsBoolean()) {
                    throw new Eo2SarException(Kind.CANCELLED, "cancelled while waiting for a free translation slot");
                }
                if (System.nanoTime() > deadline) {
                    throw new Eo2SarException(Kind.IO, "server busy: " + size + " translations running and no slot "
                            + "freed within " + timeoutMillis / 1000 + " s; try again later");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Eo2SarException(Kind.CANCELLED, "interrupted while waiting for a free translation slot");
        }
        return permits::release;
    }

    /** Free slots now. */
    public int available() {
        return permits.availablePermits();
    }
}
