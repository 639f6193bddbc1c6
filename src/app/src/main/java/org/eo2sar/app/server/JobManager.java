package org.eo2sar.app.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Progress;

/**
 * Runs jobs on a fixed number of workers behind a bounded queue (full queue = 429), tracks their
 * status, cancels them on request, and deletes finished jobs with their folders once their
 * time-to-live has passed. Every status change is recorded in the job's folder ({@link JobStore}),
 * so a restarted server (after a crash or kill -9 too) still lists its jobs and serves finished
 * results until their TTL; jobs that were queued or running are reported failed, "interrupted by a
 * server restart".
 */
public final class JobManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JobManager.class.getName());
    private static final Pattern JOB_DIR = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The work a job does; returns the file it produced. */
    @FunctionalInterface
    public interface Task {
        Job.Outcome run(Job job, Progress progress) throws Exception;
    }

    private final Path jobsRoot;
    private final int maxQueue;
    private final Duration ttl;
    private final ServerHooks hooks;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService janitor;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    public JobManager(Path workDir, int workers, int maxQueue, Duration ttl, ServerHooks hooks, Clock clock) {
        this.jobsRoot = workDir.resolve("jobs");
        this.maxQueue = maxQueue;
        this.ttl = ttl;
        this.hooks = hooks;
        this.clock = clock;
        try {
            Files.createDirectories(jobsRoot);
        } catch (IOException e) {
            throw new Eo2SarException(Eo2SarException.Kind.IO, "cannot create jobs folder " + jobsRoot + ": " + e, e);
        }
        restore(clock.instant());
        BlockingQueue<Runnable> queue = maxQueue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(maxQueue);
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, queue, daemon("eo2sar-job"));
        this.janitor = Executors.newSingleThreadScheduledExecutor(daemon("eo2sar-janitor"));
        long period = Math.max(1, Math.min(ttl.toMillis() / 2, Duration.ofMinutes(1).toMillis()));
        janitor.scheduleWithFixedDelay(() -> purgeExpired(clock.instant()), period, period, TimeUnit.MILLISECONDS);
    }

    /** Queues a job; a full queue is a 429 and leaves nothing behind. */
    public Job submit(String processId, Task task) {
        String id = UUID.randomUUID().toString();
        Path dir = jobsRoot.resolve(id);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Eo2SarException(Eo2SarException.Kind.IO, "cannot create job folder " + dir + ": " + e.getMessage(), e);
        }
        Job job = new Job(id, processId, dir, clock.instant());
        synchronized (job) {
            save(job);
        }
        jobs.put(id, job);
        try {
            job.future = workers.submit(() -> execute(job, task));
        } catch (RejectedExecutionException e) {
            jobs.remove(id);
            deleteTree(dir);
            throw ApiException.queueFull(maxQueue);
        }
        return job;
    }

    public Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Newest first. */
    public List<Job> list() {
        return jobs.values().stream().sorted(Comparator.comparing(Job::created).reversed()).toList();
    }

    /**
     * DELETE: a queued job is dismissed at once; a running one is asked to stop (the core polls
     * between tile batches) and we wait up to {@code wait} for it; a finished one is dismissed and
     * its output deleted.
     */
    public Job dismiss(String id, Duration wait) {
        Job job = jobs.get(id);
        if (job == null) {
            throw ApiException.noSuchJob(id);
        }
        boolean finishNow;
        synchronized (job) {
            job.cancelRequested = true;
            finishNow = job.status == Job.Status.ACCEPTED || job.status == Job.Status.SUCCESSFUL
                    || job.status == Job.Status.FAILED;
            if (finishNow) {
                markDismissed(job);
            }
        }
        if (finishNow) {
            if (job.future != null && job.future.cancel(false)) {
                workers.purge();
            }
        } else {
            try {
                job.completion().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                job.message = "cancellation requested; stopping after the current tile batch";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                // completion() never completes exceptionally
            }
        }
        return job;
    }

    private void execute(Job job, Task task) {
        synchronized (job) {
            if (job.cancelRequested) {
                return; // dismissed while queued
            }
            job.status = Job.Status.RUNNING;
            job.started = clock.instant();
            job.message = "running";
            save(job);
        }
        try {
            hooks.beforeRun(job);
            if (job.cancelRequested) {
                throw new Eo2SarException(Eo2SarException.Kind.CANCELLED, "cancelled before it started");
            }
            Job.Outcome outcome = task.run(job, job.progress(hooks));
            synchronized (job) {
                if (job.cancelRequested) {
                    markDismissed(job);
                } else {
                    job.outcome = outcome;
                    job.status = Job.Status.SUCCESSFUL;
                    job.message = job.warning == null ? "done" : "done; warning: " + job.warning;
                    job.finished = clock.instant();
                    save(job);
                }
            }
        } catch (Eo2SarException e) {
            if (e.kind() == Eo2SarException.Kind.CANCELLED || job.cancelRequested) {
                synchronized (job) {
                    markDismissed(job);
                }
            } else {
                fail(job, e.getMessage(), HttpStatus.of(e.kind()));
            }
        } catch (ApiException e) {
            fail(job, e.detail(), e.status());
        } catch (Throwable t) { // a bug: keep the worker alive, report it on the job
            LOG.log(System.Logger.Level.ERROR, "job " + job.id() + " failed unexpectedly", t);
            fail(job, "internal error: " + t, 500);
        } finally {
            job.complete();
            LOG.log(System.Logger.Level.INFO, "job " + job.id() + " (" + job.processId() + ") " + job.status().code()
                    + (job.status() == Job.Status.FAILED ? ": " + job.message() : ""));
        }
    }

    private void fail(Job job, String message, int httpStatus) {
        synchronized (job) {
            job.status = Job.Status.FAILED;
            job.message = message;
            job.failureStatus = httpStatus;
            job.finished = clock.instant();
            JobStore.deleteOutputs(job.dir()); // nothing partial stays behind, the record does
            save(job);
        }
    }

    private void markDismissed(Job job) {
        job.status = Job.Status.DISMISSED;
        job.message = "dismissed";
        job.outcome = null;
        if (job.finished == null) {
            job.finished = clock.instant();
        }
        deleteTree(job.dir()); // its record too: a dismissed job is gone after a restart, as OGC API - Processes has it
        job.complete();
    }

    /** Records the job's state; a record that cannot be written costs the job only its survival of a restart. */
    private static void save(Job job) {
        try {
            JobStore.save(job);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record job " + job.id() + ": " + e.getMessage());
        }
    }

    /** Forgets finished jobs older than the TTL and deletes their folders; returns how many. */
    public int purgeExpired(Instant now) {
        int[] n = {0};
        jobs.values().removeIf(job -> {
            Instant f = job.finished;
            boolean expired = job.status.isFinal() && f != null && !f.plus(ttl).isAfter(now);
            if (expired) {
                deleteTree(job.dir());
                n[0]++;
            }
            return expired;
        });
        return n[0];
    }

    /**
     * Reads the jobs an earlier run of the server recorded: finished ones come back as they were (a
     * successful one whose output is gone becomes failed), queued or running ones become failed,
     * "interrupted by a server restart", and folders without a readable record are deleted.
     */
    private void restore(Instant now) {
        try (Stream<Path> s = Files.list(jobsRoot)) {
            s.filter(p -> JOB_DIR.matcher(p.getFileName().toString()).matches()).forEach(dir -> {
                Job job;
                try {
                    job = JobStore.load(dir);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "deleting " + dir + ": no readable job record (" + e.getMessage() + ")");
                    deleteTree(dir);
                    return;
                }
                synchronized (job) {
                    if (!job.status.isFinal()) {
                        job.status = Job.Status.FAILED;
                        job.message = "interrupted by a server restart (was " + job.message + "); submit it again";
                        job.failureStatus = 503;
                        job.finished = now;
                        JobStore.deleteOutputs(dir);
                        save(job);
                    } else if (job.status == Job.Status.SUCCESSFUL
                            && (job.outcome == null || !Files.isRegularFile(job.outcome.file()))) {
                        job.status = Job.Status.FAILED;
                        job.message = "its result file is gone from " + dir;
                        job.outcome = null;
                        save(job);
                    }
                }
                job.complete();
                jobs.put(job.id(), job);
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + jobsRoot + ": " + e.getMessage());
        }
        if (!jobs.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "restored " + jobs.size() + " jobs from " + jobsRoot);
        }
    }

    static void deleteTree(Path dir) {
        deleteTree(dir, p -> true);
    }

    /** Deletes the files and folders under {@code dir} (and {@code dir} itself) that {@code which} accepts, deepest first. */
    static void deleteTree(Path dir, java.util.function.Predicate<Path> which) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).filter(which).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot delete " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /** Stops accepting, asks running jobs to stop, waits for the workers. */
    @Override
    public void close() {
        janitor.shutdownNow();
        for (Job job : jobs.values()) {
            job.cancelRequested = true;
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
