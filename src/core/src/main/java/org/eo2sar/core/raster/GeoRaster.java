package org.eo2sar.core.raster;

import java.awt.image.RenderedImage;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.sis.storage.DataStore;
import org.apache.sis.storage.DataStoreException;

/**
 * An open GeoTIFF: its description and a lazily read, tiled image of its pixels. Reading a
 * tile of {@link #image()} reads only the file blocks under it; tiles may be read from several
 * threads. The image is unusable after {@link #close()}.
 */
public final class GeoRaster implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GeoRaster.class.getName());

    private final RasterInfo info;
    private final RenderedImage image;
    /** The file's store and, with a mask sidecar, the sidecar's (null when absent). */
    private final DataStore[] stores;

    GeoRaster(RasterInfo info, RenderedImage image, DataStore... stores) {
        this.info = info;
        this.image = image;
        this.stores = stores.clone();
    }

    public RasterInfo info() {
        return info;
    }

    /** The pixels: minX = minY = 0, one band per file band, the file's sample type; lazy and tiled as stored. */
    public RenderedImage image() {
        return image;
    }

    @Override
    public void close() {
        for (DataStore store : stores) {
            if (store == null) {
                continue;
            }
            try {
                store.close();
            } catch (DataStoreException e) {
                // Nothing was written: a failed close of a read-only store loses nothing worth an error.
                LOG.log(Level.FINE, "closing " + info.path(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "GeoRaster[" + info.path() + ", " + info.width() + "x" + info.height() + "x" + info.bandCount() + "]";
    }
}
