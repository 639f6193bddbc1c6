package org.eo2sar.core.pipeline;

import java.awt.Rectangle;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Vector;
import java.util.function.Predicate;

/** A real image whose reads of some regions fail, as a disk or a corrupt block would. */
final class FailingImage implements RenderedImage {
    private final RenderedImage src;
    private final Predicate<Rectangle> fails;
    private final RuntimeException error;

    FailingImage(RenderedImage src, Predicate<Rectangle> fails, RuntimeException error) {
        this.src = src;
        this.fails = fails;
        this.error = error;
    }

    @Override
    public Raster getData(Rectangle rect) {
        if (fails.test(rect)) {
            throw error;
        }
        return src.getData(rect);
    }

    @Override public Vector<RenderedImage> getSources() { return null; }
    @Override public Object getProperty(String name) { return src.getProperty(name); }
    @Override public String[] getPropertyNames() { return null; }
    @Override public ColorModel getColorModel() { return src.getColorModel(); }
    @Override public SampleModel getSampleModel() { return src.getSampleModel(); }
    @Override public int getWidth() { return src.getWidth(); }
    @Override public int getHeight() { return src.getHeight(); }
    @Override public int getMinX() { return src.getMinX(); }
    @Override public int getMinY() { return src.getMinY(); }
    @Override public int getNumXTiles() { return src.getNumXTiles(); }
    @Override public int getNumYTiles() { return src.getNumYTiles(); }
    @Override public int getMinTileX() { return src.getMinTileX(); }
    @Override public int getMinTileY() { return src.getMinTileY(); }
    @Override public int getTileWidth() { return src.getTileWidth(); }
    @Override public int getTileHeight() { return src.getTileHeight(); }
    @Override public int getTileGridXOffset() { return src.getTileGridXOffset(); }
    @Override public int getTileGridYOffset() { return src.getTileGridYOffset(); }
    @Override public Raster getTile(int tx, int ty) { return getData(src.getTile(tx, ty).getBounds()); }
    @Override public Raster getData() { return getData(new Rectangle(getMinX(), getMinY(), getWidth(), getHeight())); }
    @Override public WritableRaster copyData(WritableRaster raster) { throw new UnsupportedOperationException(); }
}
