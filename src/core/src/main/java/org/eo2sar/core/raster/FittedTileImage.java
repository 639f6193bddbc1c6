package org.eo2sar.core.raster;

import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Vector;

/**
 * A view of an image that is one tile column wide but whose tiles are wider than the image (e.g.
 * 384-wide tiles on a 381-wide raster), re-tiled to tiles exactly as wide as the image (and as tall
 * as the image when it is also one tile row). SIS 1.6 writes such images as strips and the file
 * comes out sheared: row y starts y × (tile width − image width) samples too early, so the
 * overhang's padding lands inside the raster. With tiles fitted to the image it is written right.
 * Tiles are copied lazily, one source tile per view tile.
 */
final class FittedTileImage implements RenderedImage {
    private final RenderedImage source;
    private final SampleModel sampleModel;
    private final int tileHeight;
    private final int tileGridYOffset;
    private final int minTileY;
    /** Source tile row of view tile row {@code minTileY}. */
    private final int sourceMinTileY;

    private FittedTileImage(RenderedImage source) {
        this.source = source;
        boolean oneRow = source.getNumYTiles() == 1;
        this.tileHeight = oneRow ? source.getHeight() : source.getTileHeight();
        this.tileGridYOffset = oneRow ? source.getMinY() : source.getTileGridYOffset();
        this.minTileY = oneRow ? 0 : source.getMinTileY();
        this.sourceMinTileY = source.getMinTileY();
        this.sampleModel = source.getSampleModel().createCompatibleSampleModel(source.getWidth(), tileHeight);
    }

    /** The image to give SIS: {@code image} itself unless its single tile column overhangs the image. */
    static RenderedImage forWriting(RenderedImage image) {
        boolean overhangs = image.getNumXTiles() == 1
                && (image.getTileWidth() != image.getWidth() || image.getTileGridXOffset() != image.getMinX()
                    || image.getNumYTiles() == 1 && (image.getTileHeight() != image.getHeight()
                        || image.getTileGridYOffset() != image.getMinY()));
        return overhangs ? new FittedTileImage(image) : image;
    }

    @Override
    public Raster getTile(int tx, int ty) {
        var bounds = new Rectangle(getMinX(), tileGridYOffset + ty * tileHeight, getWidth(), tileHeight);
        Raster tile = source.getTile(source.getMinTileX(), ty - minTileY + sourceMinTileY);
        WritableRaster out = Raster.createWritableRaster(sampleModel, new Point(bounds.x, bounds.y));
        Rectangle common = bounds.intersection(tile.getBounds())
                .intersection(new Rectangle(getMinX(), getMinY(), getWidth(), getHeight()));
        if (!common.isEmpty()) {
            // Data elements are copied verbatim, so every sample type is kept bit-exact.
            out.setDataElements(0, 0, tile.createChild(common.x, common.y, common.width, common.height,
                    common.x, common.y, null));
        }
        return out;
    }

    @Override
    public Raster getData() {
        return source.getData();
    }

    @Override
    public Raster getData(Rectangle rect) {
        return source.getData(rect);
    }

    @Override
    public WritableRaster copyData(WritableRaster raster) {
        return source.copyData(raster);
    }

    @Override
    public Vector<RenderedImage> getSources() {
        var v = new Vector<RenderedImage>(1);
        v.add(source);
        return v;
    }

    @Override
    public Object getProperty(String name) {
        return source.getProperty(name);
    }

    @Override
    public String[] getPropertyNames() {
        return source.getPropertyNames();
    }

    @Override
    public ColorModel getColorModel() {
        return source.getColorModel();
    }

    @Override
    public SampleModel getSampleModel() {
        return sampleModel;
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
    public int getMinX() {
        return source.getMinX();
    }

    @Override
    public int getMinY() {
        return source.getMinY();
    }

    @Override
    public int getNumXTiles() {
        return 1;
    }

    @Override
    public int getNumYTiles() {
        return source.getNumYTiles();
    }

    @Override
    public int getMinTileX() {
        return 0;
    }

    @Override
    public int getMinTileY() {
        return minTileY;
    }

    @Override
    public int getTileWidth() {
        return source.getWidth();
    }

    @Override
    public int getTileHeight() {
        return tileHeight;
    }

    @Override
    public int getTileGridXOffset() {
        return source.getMinX();
    }

    @Override
    public int getTileGridYOffset() {
        return tileGridYOffset;
    }
}
