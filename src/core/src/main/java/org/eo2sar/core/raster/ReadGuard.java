package org.eo2sar.core.raster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;

/**
 * Runs pixel reads with a deadline and a cancellation check. Apache SIS can loop forever on some
 * corrupt LZW/predictor blocks (it sleeps in {@code ChannelData.onEmptyTransfer} waiting for bytes
 * that never come) and never polls any cancellation. So each read runs on a reader thread while
 * the caller waits in short slices: past the deadline, or when the caller's translation is
 * cancelled or the caller is interrupted, the reader is interrupted (SIS then gives up with an
 * IOException) and abandoned, and the caller gets a one-line error naming the file.
 */
public final class ReadGuard {
    /** Default deadline of one pixel read. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final long SLICE_MILLIS = 100;
    private static final ThreadLocal<BooleanSupplier> CANCEL = new ThreadLocal<>();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "eo2sar-read-" + IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private ReadGuard() {
    }

    /**
     * Runs {@code work} on this thread with {@code cancelled} as the cancellation check of every
     * guarded read it makes (the translation's workers use this so that DELETE / Ctrl-C stop a
     * read that is stuck, not only the next batch).
     */
    public static <T> T withCancellation(BooleanSupplier cancelled, Supplier<T> work) {
        BooleanSupplier previous = CANCEL.get();
        CANCEL.set(Objects.requireNonNull(cancelled));
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CANCEL.remove();
            } else {
                CANCEL.set(previous);
            }
        }
    }

    /**
     * Runs one read of {@code file} ({@code what} says which pixels, for the message).
     *
     * @throws Eo2SarException INVALID_INPUT when the read fails (decoding error) or passes the
     *         deadline, CANCELLED when the caller's translation was cancelled or the caller interrupted
     */
    static <T> T read(Path file, String what, Duration timeout, Callable<T> read) {
        Future<T> f = READERS.submit(read);
        long deadline = System.nanoTime() + timeout.toNanos();
        BooleanSupplier cancelled = CANCEL.get();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    f.cancel(true);
                    throw new Eo2SarException(Kind.INVALID_INPUT, file + ": reading " + what + " did not finish within "
                            + timeout.toSeconds() + " s (corrupt or unreadable pixel data?)");
                }
                try {
                    return f.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS)), TimeUnit.NANOSECONDS);
                } catch (TimeoutException slice) {
                    if (cancelled != null && cancelled.getAsBoolean()) {
                        f.cancel(true);
                        throw new Eo2SarException(Kind.CANCELLED, "translation cancelled while reading " + file);
                    }
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new Eo2SarException(Kind.CANCELLED, "reading " + file + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Eo2SarException ee) {
                throw ee;
            }
            if (c instanceof VirtualMachineError err) {
                throw err;
            }
            throw new Eo2SarException(Kind.INVALID_INPUT, file + ": pixel data cannot be decoded (" + what + "): "
                    + GeoTiffRasters.oneLine(c), c);
        }
    }
}
