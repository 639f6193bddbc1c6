package org.eo2sar.core;

/**
 * Receives progress of a translation and lets the caller cancel it. Implementations must be
 * thread-safe: tiles may complete on several threads.
 */
public interface Progress {
    /** Called after each batch of tiles: {@code done} of {@code total} tiles finished (skipped tiles count as done). */
    void update(long done, long total);

    /** Polled between tile batches; when true the translation stops with {@link Eo2SarException.Kind#CANCELLED}. */
    default boolean isCancelled() {
        return false;
    }

    /** One line about the input that the user should read (e.g. it does not look like the model's training data). */
    default void warn(String message) {
    }

    Progress NONE = (done, total) -> { };
}
