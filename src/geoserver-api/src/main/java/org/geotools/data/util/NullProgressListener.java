package org.geotools.data.util;

import org.geotools.api.util.InternationalString;
import org.geotools.api.util.ProgressListener;

/** Stand-in: GeoTools 34.x {@code org.geotools.data.util.NullProgressListener} (gt-main; same behaviour). */
public class NullProgressListener implements ProgressListener {
    private volatile boolean canceled;

    public NullProgressListener() {
    }

    @Override
    public void started() {
    }

    @Override
    public void progress(float percent) {
    }

    @Override
    public float getProgress() {
        return 0;
    }

    @Override
    public void complete() {
    }

    @Override
    public void dispose() {
    }

    @Override
    public void setCanceled(boolean cancel) {
        this.canceled = cancel;
    }

    @Override
    public boolean isCanceled() {
        return canceled;
    }

    @Override
    public void warningOccurred(String source, String location, String warning) {
    }

    @Override
    public void exceptionOccurred(Throwable exception) {
    }

    @Override
    public InternationalString getTask() {
        return null;
    }

    @Override
    public void setTask(InternationalString task) {
    }
}
