package org.eo2sar.geoserver;

import java.awt.Rectangle;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Vector;

/**
 * A computed raster as a one-tile {@link RenderedImage} that keeps the raster's origin (a
 * {@code BufferedImage} would force minX = minY = 0, and a coverage's image must match its grid range).
 */
final class RasterImage implements RenderedImage {
    private final Raster raster;
    private final ColorModel colorModel;

    RasterImage(Raster raster, ColorModel colorModel) {
        this.raster = raster;
        this.colorModel = colorModel;
    }

    @Override
    public Vector<RenderedImage> getSources() {
        return null;
    }

    @Override
    public Object getProperty(String name) {
        return java.awt.Image.UndefinedProperty;
    }

    @Override
    public String[] getPropertyNames() {
        return null;
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
    public int getWidth() {
        return raster.getWidth();
    }

    @Override
    public int getHeight() {
        return raster.getHeight();
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
    public int getNumXTiles() {
        return 1;
    }

    @Override
    public int getNumYTiles() {
        return 1;
    }

    @Override
    public int getMinTileX() {
        return 0;
    }

    @Override
    public int getMinTileY() {
        return 0;
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
    public int getTileGridXOffset() {
        return raster.getMinX();
    }

    @Override
    public int getTileGridYOffset() {
        return raster.getMinY();
    }

    @Override
    public Raster getTile(int tileX, int tileY) {
        if (tileX != 0 || tileY != 0) {
            throw new IllegalArgumentException("no tile " + tileX + "," + tileY);
        }
        return raster;
    }

    @Override
    public Raster getData() {
        return getData(raster.getBounds());
    }

    @Override
    public Raster getData(Rectangle rect) {
        WritableRaster copy = raster.createCompatibleWritableRaster(rect);
        copy.setRect(raster);
        return copy;
    }

    @Override
    public WritableRaster copyData(WritableRaster dest) {
        if (dest == null) {
            return (WritableRaster) getData();
        }
        dest.setRect(raster);
        return dest;
    }
}
