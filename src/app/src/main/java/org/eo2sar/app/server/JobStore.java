package org.eo2sar.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * A job's record on disk, {@code <job folder>/job.json}, so that jobs survive a restart of the
 * server: written on every status change (to a temporary file, then renamed, so a crash leaves the
 * previous record or the new one, never half of one) and read back at start-up. Progress counts are
 * not written (they change per tile batch and mean nothing after a restart).
 */
final class JobStore {
    static final String FILE = "job.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobStore() {
    }

    /** Writes the job's record; call with the job's lock held so the fields are one state. */
    static void save(Job job) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", job.id());
        n.put("processId", job.processId());
        n.put("status", job.status.name());
        n.put("message", job.message);
        n.put("warning", job.warning);
        n.put("created", job.created().toString());
        n.put("started", job.started == null ? null : job.started.toString());
        n.put("finished", job.finished == null ? null : job.finished.toString());
        n.put("failureStatus", job.failureStatus);
        Job.Outcome o = job.outcome;
        if (o != null) {
            n.put("output", job.dir().relativize(o.file()).toString());
            n.put("summary", o.summaryJson());
        }
        Path tmp = job.dir().resolve(FILE + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        try {
            Files.move(tmp, job.dir().resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("the file system cannot rename atomically: " + e.getMessage(), e);
        }
    }

    /**
     * The job recorded in {@code dir}.
     *
     * @throws IOException when the record is missing or unreadable (the folder is then an orphan)
     */
    static Job load(Path dir) throws IOException {
        JsonNode n = JSON.readTree(dir.resolve(FILE).toFile());
        String id = text(n, "id");
        if (!dir.getFileName().toString().equals(id)) {
            throw new IOException(dir.resolve(FILE) + " names job " + id);
        }
        Job job = new Job(id, text(n, "processId"), dir, Instant.parse(text(n, "created")));
        try {
            job.status = Job.Status.valueOf(text(n, "status"));
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(FILE) + ": unknown status " + n.get("status"), e);
        }
        job.message = text(n, "message");
        job.warning = n.path("warning").isTextual() ? n.get("warning").asText() : null;
        job.started = instant(n, "started");
        job.finished = instant(n, "finished");
        job.failureStatus = n.path("failureStatus").asInt(500);
        if (n.path("output").isTextual()) {
            Path file = dir.resolve(n.get("output").asText()).normalize();
            if (!file.startsWith(dir)) {
                throw new IOException(dir.resolve(FILE) + ": output outside the job folder");
            }
            job.outcome = new Job.Outcome(file, n.path("summary").isTextual() ? n.get("summary").asText() : null);
        }
        return job;
    }

    /** Deletes everything in the job's folder but its record: outputs of failed, dismissed or interrupted jobs. */
    static void deleteOutputs(Path dir) {
        Path record = dir.resolve(FILE);
        JobManager.deleteTree(dir, p -> !p.equals(dir) && !p.equals(record));
    }

    private static String text(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException("job record without " + field);
        }
        return v.asText();
    }

    private static Instant instant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() ? null : Instant.parse(v.asText());
    }
}
