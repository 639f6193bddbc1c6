package org.eo2sar.geoserver;

import java.util.concurrent.atomic.AtomicReference;
import org.eo2sar.core.Progress;
import org.geotools.api.util.ProgressListener;

/**
 * Reports tile progress to a GeoServer/GeoTools listener and reads its cancel flag between tile
 * batches. GeoServer's WPS listener signals a dismiss (or its execution time limit) by throwing its
 * own {@code ProcessDismissedException} from {@code progress()}; that happens on an inference worker
 * thread, where the core would report it as a failed tile. So the first exception the listener
 * throws is kept, turns into cancellation, and {@link #rethrowListenerFailure()} hands the original
 * back to GeoServer on the calling thread.
 */
final class ListenerProgress implements Progress {
    private final ProgressListener listener;
    private final Thread caller;
    private final long deadlineNanos;
    private final AtomicReference<RuntimeException> listenerFailure = new AtomicReference<>();

    /**
     * @param timeoutMillis cancel once this much time has passed (0 = never): the only cancel signal
     *                      of a map rendering, whose listener never cancels
     */
    ListenerProgress(ProgressListener listener, long timeoutMillis) {
        this.listener = listener;
        this.caller = Thread.currentThread();
        this.deadlineNanos = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
    }

    ListenerProgress(ProgressListener listener) {
        this(listener, 0);
    }

    @Override
    public void update(long done, long total) {
        if (listener != null && total > 0 && listenerFailure.get() == null) {
            try {
                listener.progress(100f * done / total);
            } catch (RuntimeException e) {
                listenerFailure.compareAndSet(null, e);
            }
        }
    }

    @Override
    public boolean isCancelled() {
        if (listenerFailure.get() != null || caller.isInterrupted() || timedOut()) {
            return true;
        }
        try {
            return listener != null && listener.isCanceled();
        } catch (RuntimeException e) {
            listenerFailure.compareAndSet(null, e);
            return true;
        }
    }

    /** True once the time limit (if any) has passed. */
    boolean timedOut() {
        return deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0;
    }

    /** Throws what the listener threw (e.g. GeoServer's ProcessDismissedException), if it threw. */
    void rethrowListenerFailure() {
        RuntimeException e = listenerFailure.get();
        if (e != null) {
            throw e;
        }
    }
}
