package org.eo2sar.geoserver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.geotools.data.util.NullProgressListener;

/** A WPS-style listener that records what it is told and can cancel after the first progress report. */
class RecordingListener extends NullProgressListener {
    final List<Float> progress = new CopyOnWriteArrayList<>();
    volatile boolean started;
    volatile boolean completed;
    private final boolean cancelOnFirstProgress;

    RecordingListener(boolean cancelOnFirstProgress) {
        this.cancelOnFirstProgress = cancelOnFirstProgress;
    }

    @Override
    public void started() {
        started = true;
    }

    @Override
    public void progress(float percent) {
        progress.add(percent);
        if (cancelOnFirstProgress) {
            setCanceled(true);
        }
    }

    @Override
    public void complete() {
        completed = true;
    }
}
