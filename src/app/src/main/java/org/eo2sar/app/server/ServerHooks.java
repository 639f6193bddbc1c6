package org.eo2sar.app.server;

/**
 * Points where tests can hold a job still (e.g. to fill the queue or cancel mid-run)
 * without timing assumptions. The product uses {@link #NONE}.
 */
public interface ServerHooks {
    /** On the worker thread just before the translation starts. */
    default void beforeRun(Job job) {
    }

    /** On a tile thread after each progress update. */
    default void onProgress(Job job, long done, long total) {
    }

    ServerHooks NONE = new ServerHooks() {
    };
}
