package org.eo2sar.core.raster;

import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Vector;

/**
 * A lazily computed test image: each tile is computed from {@code value(x, y, band)} when asked
 * for, and nothing is kept, so writing it exercises the writer's tile-by-tile pulling.
 */
class FunctionImage implements RenderedImage {
    /** Pixel value function. */
    interface PixelFunction {
        double value(int x, int y, int band);
    }

    private final int width;
    private final int height;
    private final int tileSize;
    private final SampleModel sampleModel;
    private final PixelFunction f;

    FunctionImage(int width, int height, int bands, int dataType, int tileSize, PixelFunction f) {
        this(width, height, new java.awt.image.BandedSampleModel(dataType, tileSize, tileSize, bands), f);
    }

    /** With the given tile layout (square tiles of the sample model's width), e.g. pixel-interleaved. */
    FunctionImage(int width, int height, SampleModel sampleModel, PixelFunction f) {
        this.width = width;
        this.height = height;
        this.tileSize = sampleModel.getWidth();
        this.sampleModel = sampleModel;
        this.f = f;
    }

    /** Called before a tile is computed; tests override it to fail. */
    protected void beforeTile(int tx, int ty) {
    }

    @Override
    public Raster getTile(int tx, int ty) {
        beforeTile(tx, ty);
        WritableRaster r = Raster.createWritableRaster(sampleModel, new Point(tx * tileSize, ty * tileSize));
        fill(r);
        return r;
    }

    private void fill(WritableRaster r) {
        int x1 = Math.min(r.getMinX() + r.getWidth(), width);
        int y1 = Math.min(r.getMinY() + r.getHeight(), height);
        for (int b = 0; b < sampleModel.getNumBands(); b++) {
            for (int y = r.getMinY(); y < y1; y++) {
                for (int x = r.getMinX(); x < x1; x++) {
                    r.setSample(x, y, b, f.value(x, y, b));
                }
            }
        }
    }

    @Override
    public Raster getData() {
        return getData(new Rectangle(0, 0, width, height));
    }

    @Override
    public Raster getData(Rectangle rect) {
        WritableRaster r = Raster.createWritableRaster(
                sampleModel.createCompatibleSampleModel(rect.width, rect.height), rect.getLocation());
        fill(r);
        return r;
    }

    @Override
    public WritableRaster copyData(WritableRaster raster) {
        WritableRaster r = raster != null ? raster : (WritableRaster) getData();
        fill(r);
        return r;
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
        return null;
    }

    @Override
    public SampleModel getSampleModel() {
        return sampleModel;
    }

    @Override
    public int getWidth() {
        return width;
    }

    @Override
    public int getHeight() {
        return height;
    }

    @Override
    public int getMinX() {
        return 0;
    }

    @Override
    public int getMinY() {
        return 0;
    }

    @Override
    public int getNumXTiles() {
        return (width + tileSize - 1) / tileSize;
    }

    @Override
    public int getNumYTiles() {
        return (height + tileSize - 1) / tileSize;
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
        return tileSize;
    }

    @Override
    public int getTileHeight() {
        return tileSize;
    }

    @Override
    public int getTileGridXOffset() {
        return 0;
    }

    @Override
    public int getTileGridYOffset() {
        return 0;
    }

    static boolean isFloat(int dataType) {
        return dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE;
    }
}
