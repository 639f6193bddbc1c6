package org.eo2sar.geoserver;

import org.eo2sar.core.Progress;
import org.geotools.api.util.ProgressListener;

/** Reports tile progress to a GeoServer/GeoTools listener and reads its cancel flag between tile batches. */
final class ListenerProgress implements Progress {
    private final ProgressListener listener;

    ListenerProgress(ProgressListener listener) {
        this.listener = listener;
    }

    @Override
    public void update(long done, long total) {
        if (listener != null && total > 0) {
            listener.progress(100f * done / total);
        }
    }

    @Override
    public boolean isCancelled() {
        return listener != null && listener.isCanceled();
    }
}
