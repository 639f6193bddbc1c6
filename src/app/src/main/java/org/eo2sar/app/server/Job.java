package org.eo2sar.app.server;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.eo2sar.core.Progress;

/**
 * One execution of a process. Its state changes on a worker thread and is read by request
 * threads, hence the volatile fields; transitions go through {@link JobManager} only.
 */
public final class Job {
    /** OGC API – Processes status codes. */
    public enum Status {
        ACCEPTED, RUNNING, SUCCESSFUL, FAILED, DISMISSED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public boolean isFinal() {
            return this == SUCCESSFUL || this == FAILED || this == DISMISSED;
        }
    }

    /** What a successful job produced. */
    public record Outcome(Path file, String summaryJson) {
    }

    private final String id;
    private final String processId;
    private final Path dir;
    private final Instant created;
    private final CompletableFuture<Job> done = new CompletableFuture<>();

    volatile Status status = Status.ACCEPTED;
    volatile String message = "queued";
    /** The core's advice about the input (InputCheck), shown in every later status message. */
    volatile String warning;
    volatile Instant started;
    volatile Instant finished;
    volatile long tilesDone;
    volatile long tilesTotal;
    volatile boolean cancelRequested;
    volatile Outcome outcome;
    /** HTTP status a synchronous caller should see when the job failed. */
    volatile int failureStatus = 500;
    volatile Future<?> future;

    Job(String id, String processId, Path dir, Instant created) {
        this.id = id;
        this.processId = processId;
        this.dir = dir;
        this.created = created;
    }

    public String id() {
        return id;
    }

    public String processId() {
        return processId;
    }

    /** The job's private folder under the work directory; deleted with the job. */
    public Path dir() {
        return dir;
    }

    public Instant created() {
        return created;
    }

    public Status status() {
        return status;
    }

    public String message() {
        return message;
    }

    public Instant started() {
        return started;
    }

    public Instant finished() {
        return finished;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** True once DELETE asked this job to stop. */
    public boolean cancelRequested() {
        return cancelRequested;
    }

    public int failureStatus() {
        return failureStatus;
    }

    /** 0–100; 100 only once successful. */
    public int percent() {
        if (status == Status.SUCCESSFUL) {
            return 100;
        }
        long total = tilesTotal;
        return total <= 0 ? 0 : (int) Math.min(99, tilesDone * 100 / total);
    }

    /** Completes when the job reaches a final status. */
    public CompletableFuture<Job> completion() {
        return done;
    }

    void complete() {
        done.complete(this);
    }

    /** The core's view of this job: counts tiles, reports cancellation requested by DELETE. */
    Progress progress(ServerHooks hooks) {
        return new Progress() {
            @Override
            public void update(long d, long total) {
                synchronized (Job.this) {
                    if (status != Status.RUNNING) {
                        return; // a late batch must not overwrite a failure message
                    }
                    tilesDone = d;
                    tilesTotal = total;
                    message = "translated " + d + " of " + total + " tiles" + (warning == null ? "" : "; warning: " + warning);
                }
                hooks.onProgress(Job.this, d, total);
            }

            @Override
            public void warn(String text) {
                warning = text;
            }

            @Override
            public boolean isCancelled() {
                return cancelRequested;
            }
        };
    }
}
