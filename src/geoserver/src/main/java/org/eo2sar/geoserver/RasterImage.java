package org.eo2sar.geoserver;

import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import org.apache.sis.image.PlanarImage;

/**
 * A computed raster as a one-tile image that keeps the raster's origin (a {@code BufferedImage}
 * would force minX = minY = 0, and a coverage's image must match its grid range). Apache SIS's
 * {@link PlanarImage} supplies the rest of {@code RenderedImage} (tile grid, getData, copyData).
 */
final class RasterImage extends PlanarImage {
    private final Raster raster;
    private final ColorModel colorModel;

    RasterImage(Raster raster, ColorModel colorModel) {
        this.raster = raster;
        this.colorModel = colorModel;
    }

    @Override
    public ColorModel getColorModel() {
        return colorModel;
    }

    @Override
    public SampleModel getSampleModel() {
        return raster.getSampleModel();
    }

    @Override
    public int getMinX() {
        return raster.getMinX();
    }

    @Override
    public int getMinY() {
        return raster.getMinY();
    }

    @Override
    public int getWidth() {
        return raster.getWidth();
    }

    @Override
    public int getHeight() {
        return raster.getHeight();
    }

    @Override
    public int getTileWidth() {
        return raster.getWidth();
    }

    @Override
    public int getTileHeight() {
        return raster.getHeight();
    }

    @Override
    public Raster getTile(int tileX, int tileY) {
        if (tileX != 0 || tileY != 0) {
            throw new IndexOutOfBoundsException("no tile " + tileX + "," + tileY + " in a one-tile image");
        }
        return raster;
    }
}
