package org.eo2sar.geoserver;

import java.awt.Rectangle;
import java.awt.image.BandedSampleModel;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import org.apache.sis.image.PlanarImage;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;

/**
 * Applies a coverage's {@code GC_ROI} valid-pixel mask (set by GeoTools' readers, e.g. from a
 * GeoTIFF mask band): pixels outside it become NaN, which the core treats as nodata, computed
 * lazily one tile at a time so memory does not grow with the raster.
 *
 * <p>The ROI class is {@code javax.media.jai.ROI} in GeoTools 33 and {@code org.eclipse.imagen.ROI}
 * in 34+, so the plugin never names it (one jar for GeoServer 2.27-2.29): the mask image is read
 * with the one method both have, {@code getAsImage()} (nonzero = inside, in the image's pixel space).
 */
final class CoverageMask extends PlanarImage {
    private static final int TILE = 512;

    private final RenderedImage source;
    private final RenderedImage mask;
    private final SampleModel sampleModel;

    private CoverageMask(RenderedImage source, RenderedImage mask) {
        this.source = source;
        this.mask = mask;
        this.sampleModel = new BandedSampleModel(DataBuffer.TYPE_FLOAT, getTileWidth(), getTileHeight(),
                source.getSampleModel().getNumBands());
    }

    /** {@code image} with the ROI applied, or {@code image} itself when there is no ROI. */
    static RenderedImage apply(RenderedImage image, Object roi) {
        if (roi == null) {
            return image;
        }
        return new CoverageMask(image, maskImage(roi));
    }

    static RenderedImage maskImage(Object roi) {
        try {
            Object mask = roi.getClass().getMethod("getAsImage").invoke(roi);
            if (mask instanceof RenderedImage image) {
                return image;
            }
            throw new Eo2SarException(Kind.INVALID_INPUT, "the coverage's GC_ROI " + roi.getClass().getName()
                    + " has no mask image");
        } catch (ReflectiveOperationException e) {
            throw new Eo2SarException(Kind.INVALID_INPUT, "cannot read the coverage's GC_ROI mask ("
                    + roi.getClass().getName() + "): " + e, e);
        }
    }

    @Override
    public ColorModel getColorModel() {
        return null;
    }

    @Override
    public SampleModel getSampleModel() {
        return sampleModel;
    }

    @Override
    public int getMinX() {
        return source.getMinX();
    }

    @Override
    public int getMinY() {
        return source.getMinY();
    }

    @Override
    public int getWidth() {
        return source.getWidth();
    }

    @Override
    public int getHeight() {
        return source.getHeight();
    }

    @Override
    public int getTileWidth() {
        return Math.min(TILE, source.getWidth());
    }

    @Override
    public int getTileHeight() {
        return Math.min(TILE, source.getHeight());
    }

    @Override
    public Raster getTile(int tileX, int tileY) {
        Rectangle tile = new Rectangle(getMinX() + tileX * getTileWidth(), getMinY() + tileY * getTileHeight(),
                getTileWidth(), getTileHeight());
        WritableRaster out = Raster.createWritableRaster(sampleModel, tile.getLocation());
        Rectangle area = tile.intersection(new Rectangle(getMinX(), getMinY(), getWidth(), getHeight()));
        if (area.isEmpty()) {
            return out;
        }
        Raster in = source.getData(area);
        Rectangle inMask = area.intersection(new Rectangle(mask.getMinX(), mask.getMinY(), mask.getWidth(),
                mask.getHeight()));
        Raster m = inMask.isEmpty() ? null : mask.getData(inMask);
        int bands = sampleModel.getNumBands();
        float[] row = new float[area.width];
        for (int y = area.y; y < area.y + area.height; y++) {
            for (int b = 0; b < bands; b++) {
                in.getSamples(area.x, y, area.width, 1, b, row);
                for (int i = 0; i < area.width; i++) {
                    int x = area.x + i;
                    if (m == null || !inMask.contains(x, y) || m.getSample(x, y, 0) == 0) {
                        row[i] = Float.NaN;
                    }
                }
                out.setSamples(area.x, y, area.width, 1, b, row);
            }
        }
        return out;
    }
}
