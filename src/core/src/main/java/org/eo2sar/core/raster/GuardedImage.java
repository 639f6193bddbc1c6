package org.eo2sar.core.raster;

import java.awt.Rectangle;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Vector;

/**
 * A file's lazily decoded image whose every pixel read goes through {@link ReadGuard}: a deadline,
 * cancellation, and decoding failures reported as INVALID_INPUT naming the file (rather than a
 * library exception far from its cause).
 */
final class GuardedImage implements RenderedImage {
    private final RenderedImage image;
    private final Path file;
    private final Duration timeout;

    GuardedImage(RenderedImage image, Path file, Duration timeout) {
        this.image = image;
        this.file = file;
        this.timeout = timeout;
    }

    @Override
    public Raster getTile(int tx, int ty) {
        return ReadGuard.read(file, "tile " + tx + "," + ty, timeout, () -> image.getTile(tx, ty));
    }

    @Override
    public Raster getData() {
        return ReadGuard.read(file, "all pixels", timeout, image::getData);
    }

    @Override
    public Raster getData(Rectangle r) {
        return ReadGuard.read(file, "pixels " + r.x + "," + r.y + " " + r.width + "x" + r.height, timeout,
                () -> image.getData(r));
    }

    @Override
    public WritableRaster copyData(WritableRaster raster) {
        return ReadGuard.read(file, "pixels", timeout, () -> image.copyData(raster));
    }

    @Override public Vector<RenderedImage> getSources() { return null; }
    @Override public Object getProperty(String name) { return image.getProperty(name); }
    @Override public String[] getPropertyNames() { return image.getPropertyNames(); }
    @Override public ColorModel getColorModel() { return image.getColorModel(); }
    @Override public SampleModel getSampleModel() { return image.getSampleModel(); }
    @Override public int getWidth() { return image.getWidth(); }
    @Override public int getHeight() { return image.getHeight(); }
    @Override public int getMinX() { return image.getMinX(); }
    @Override public int getMinY() { return image.getMinY(); }
    @Override public int getNumXTiles() { return image.getNumXTiles(); }
    @Override public int getNumYTiles() { return image.getNumYTiles(); }
    @Override public int getMinTileX() { return image.getMinTileX(); }
    @Override public int getMinTileY() { return image.getMinTileY(); }
    @Override public int getTileWidth() { return image.getTileWidth(); }
    @Override public int getTileHeight() { return image.getTileHeight(); }
    @Override public int getTileGridXOffset() { return image.getTileGridXOffset(); }
    @Override public int getTileGridYOffset() { return image.getTileGridYOffset(); }

    @Override
    public String toString() {
        return "GuardedImage[" + file + ", " + image + "]";
    }
}
