package org.geotools.process;

/** Stand-in: GeoTools 34.x {@code org.geotools.process.ProcessException} (gt-process; all constructors). */
public class ProcessException extends RuntimeException {
    private static final long serialVersionUID = -3953993149819064102L;

    public ProcessException(Throwable cause) {
        super(cause);
    }

    public ProcessException(String message, Throwable cause) {
        super(message, cause);
    }

    public ProcessException(String message) {
        super(message);
    }
}
