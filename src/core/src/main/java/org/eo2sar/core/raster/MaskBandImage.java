package org.eo2sar.core.raster;

import java.awt.Rectangle;
import java.awt.image.BandedSampleModel;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Vector;

/**
 * An image with a GDAL per-dataset mask (an internal mask directory or a {@code .msk} sidecar)
 * appended as its last band, so the pipeline treats it like an RGBA file's alpha: 0 = nodata.
 * Same size and tile grid as the source; every read reads both and copies them into one raster.
 */
final class MaskBandImage implements RenderedImage {
    private final RenderedImage source;
    private final RenderedImage mask;
    private final int bands;
    private final int type;
    private final SampleModel sampleModel;

    MaskBandImage(RenderedImage source, RenderedImage mask) {
        if (mask.getWidth() != source.getWidth() || mask.getHeight() != source.getHeight()
                || mask.getSampleModel().getNumBands() != 1) {
            throw new IllegalArgumentException("the mask is " + mask.getWidth() + "x" + mask.getHeight() + "x"
                    + mask.getSampleModel().getNumBands() + ", not " + source.getWidth() + "x" + source.getHeight() + "x1");
        }
        this.source = source;
        this.mask = mask;
        this.bands = source.getSampleModel().getNumBands() + 1;
        this.type = source.getSampleModel().getDataType();
        this.sampleModel = new BandedSampleModel(type, source.getTileWidth(), source.getTileHeight(), bands);
    }

    @Override
    public Raster getData(Rectangle r) {
        Raster s = source.getData(r);
        Raster m = mask.getData(new Rectangle(r.x - source.getMinX() + mask.getMinX(), r.y - source.getMinY() + mask.getMinY(),
                r.width, r.height));
        WritableRaster out = Raster.createWritableRaster(new BandedSampleModel(type, r.width, r.height, bands), r.getLocation());
        for (int b = 0; b < bands - 1; b++) {
            if (type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE) {
                out.setSamples(r.x, r.y, r.width, r.height, b, s.getSamples(r.x, r.y, r.width, r.height, b, (double[]) null));
            } else {
                out.setSamples(r.x, r.y, r.width, r.height, b, s.getSamples(r.x, r.y, r.width, r.height, b, (int[]) null));
            }
        }
        int[] valid = m.getSamples(m.getMinX(), m.getMinY(), r.width, r.height, 0, (int[]) null);
        for (int i = 0; i < valid.length; i++) {
            valid[i] = valid[i] == 0 ? 0 : 1;   // 1-bit internal masks read as 0/1, .msk sidecars as 0/255
        }
        out.setSamples(r.x, r.y, r.width, r.height, bands - 1, valid);
        return out;
    }

    @Override
    public Raster getTile(int tx, int ty) {
        Rectangle tile = new Rectangle(source.getTileGridXOffset() + tx * getTileWidth(),
                source.getTileGridYOffset() + ty * getTileHeight(), getTileWidth(), getTileHeight());
        return getData(tile.intersection(new Rectangle(getMinX(), getMinY(), getWidth(), getHeight())));
    }

    @Override
    public Raster getData() {
        return getData(new Rectangle(getMinX(), getMinY(), getWidth(), getHeight()));
    }

    @Override
    public WritableRaster copyData(WritableRaster raster) {
        Rectangle r = raster == null ? new Rectangle(getMinX(), getMinY(), getWidth(), getHeight()) : raster.getBounds();
        Raster data = getData(r);
        if (raster == null) {
            return (WritableRaster) data;
        }
        raster.setRect(data);
        return raster;
    }

    @Override public SampleModel getSampleModel() { return sampleModel; }
    @Override public ColorModel getColorModel() { return null; }
    @Override public Vector<RenderedImage> getSources() { return null; }
    @Override public Object getProperty(String name) { return java.awt.Image.UndefinedProperty; }
    @Override public String[] getPropertyNames() { return null; }
    @Override public int getWidth() { return source.getWidth(); }
    @Override public int getHeight() { return source.getHeight(); }
    @Override public int getMinX() { return source.getMinX(); }
    @Override public int getMinY() { return source.getMinY(); }
    @Override public int getNumXTiles() { return source.getNumXTiles(); }
    @Override public int getNumYTiles() { return source.getNumYTiles(); }
    @Override public int getMinTileX() { return source.getMinTileX(); }
    @Override public int getMinTileY() { return source.getMinTileY(); }
    @Override public int getTileWidth() { return source.getTileWidth(); }
    @Override public int getTileHeight() { return source.getTileHeight(); }
    @Override public int getTileGridXOffset() { return source.getTileGridXOffset(); }
    @Override public int getTileGridYOffset() { return source.getTileGridYOffset(); }
}
