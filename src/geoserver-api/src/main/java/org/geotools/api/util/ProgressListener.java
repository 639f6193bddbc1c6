package org.geotools.api.util;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.util.ProgressListener} (all members). */
public interface ProgressListener {
    InternationalString getTask();

    void setTask(InternationalString task);

    void started();

    void progress(float percent);

    float getProgress();

    void complete();

    void dispose();

    boolean isCanceled();

    void setCanceled(boolean cancel);

    void warningOccurred(String source, String location, String warning);

    void exceptionOccurred(Throwable exception);
}
