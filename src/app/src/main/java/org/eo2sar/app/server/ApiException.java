package org.eo2sar.app.server;

/**
 * An HTTP error answered as an OGC API exception document (RFC 7807 style:
 * {@code type}, {@code title}, {@code status}, {@code detail}).
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final String OGC = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";

    private final int status;
    private final String type;
    private final String title;

    public ApiException(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, OGC + "invalid-parameter-value", "Invalid request", detail);
    }

    public static ApiException noSuchProcess(String id) {
        return new ApiException(404, OGC + "no-such-process", "No such process", "no process with id '" + id + "'");
    }

    public static ApiException noSuchJob(String id) {
        return new ApiException(404, OGC + "no-such-job", "No such job", "no job with id '" + id + "'");
    }

    public static ApiException resultNotReady(String id, String status) {
        return new ApiException(404, OGC + "result-not-ready", "Result not ready",
                "job '" + id + "' is " + status + "; results exist only once it is successful");
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "about:blank", "Not found", detail);
    }

    public static ApiException methodNotAllowed(String method, String path) {
        return new ApiException(405, "about:blank", "Method not allowed", method + " is not allowed on " + path);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "about:blank", "Request too large", detail);
    }

    public static ApiException queueFull(int capacity) {
        return new ApiException(429, "about:blank", "Too many jobs",
                "the job queue is full (" + capacity + " waiting); retry later");
    }
}
