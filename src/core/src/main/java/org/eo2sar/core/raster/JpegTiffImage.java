package org.eo2sar.core.raster;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.sis.image.PlanarImage;

/**
 * The pixels of a JPEG-compressed TIFF (compression 7, the usual aerial-orthophoto COG), which
 * Apache SIS 1.6 cannot decode: each tile or strip is one JPEG stream, completed with the file's
 * shared JPEGTables, decoded by the JDK's own JPEG reader (no colour conversion), and turned from
 * YCbCr into RGB with the JFIF equations when the TIFF says YCbCr (photometric 6), as libtiff and
 * GDAL present it. Tiles are decoded on demand; a small cache keeps the last ones, because the
 * translator's windows overlap by their margins.
 */
final class JpegTiffImage extends PlanarImage {
    static final int COMPRESSION_JPEG = 7;
    private static final int TAG_JPEG_TABLES = 347;
    private static final int PHOTOMETRIC_YCBCR = 6;
    private static final int CACHED_TILES = 32;

    private final Path file;
    private final int width;
    private final int height;
    private final int bands;
    private final int tileWidth;
    private final int tileHeight;
    private final long[] offsets;
    private final long[] counts;
    private final byte[] tables;
    private final boolean ycbcr;
    private final SampleModel sampleModel;
    private final ColorModel colorModel;
    private final Map<Integer, Raster> cache = new LinkedHashMap<>(CACHED_TILES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Raster> eldest) {
            return size() > CACHED_TILES;
        }
    };

    private JpegTiffImage(Path file, int width, int height, int bands, int tileWidth, int tileHeight, long[] offsets,
                          long[] counts, byte[] tables, boolean ycbcr) {
        this.file = file;
        this.width = width;
        this.height = height;
        this.bands = bands;
        this.tileWidth = tileWidth;
        this.tileHeight = tileHeight;
        this.offsets = offsets;
        this.counts = counts;
        this.tables = tables;
        this.ycbcr = ycbcr;
        int[] offs = new int[bands];
        for (int b = 0; b < bands; b++) {
            offs[b] = b;
        }
        this.sampleModel = new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, tileWidth, tileHeight, bands,
                tileWidth * bands, offs);
        this.colorModel = bands == 3 || bands == 1
                ? new ComponentColorModel(ColorSpace.getInstance(bands == 3 ? ColorSpace.CS_sRGB : ColorSpace.CS_GRAY),
                        false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE)
                : null;
    }

    /**
     * Why this JPEG TIFF cannot be decoded here, or null when it can: 8-bit samples, pixel
     * interleaved, 1 band (grey), 3 (RGB or YCbCr) or 4 (RGB + one extra sample, not YCbCr).
     */
    static String unsupportedReason(TiffDirectory d, int bands, int bitsPerSample) throws IOException, TiffFormatException {
        long photometric = d.first(TiffDirectory.TAG_PHOTOMETRIC, -1);
        if (bitsPerSample != 8) {
            return bitsPerSample + "-bit JPEG (only 8-bit JPEG is decoded)";
        }
        if (bands > 1 && d.first(TiffDirectory.TAG_PLANAR_CONFIGURATION, 1) != 1) {
            return "band-separate (planar) JPEG";
        }
        boolean ok = bands == 1 && (photometric == 0 || photometric == 1)
                || bands == 3 && (photometric == 2 || photometric == PHOTOMETRIC_YCBCR)
                || bands == 4 && photometric == 2;
        return ok ? null : "JPEG with " + bands + " bands and photometric interpretation " + photometric;
    }

    /** The pixels of {@code file}, whose first directory is {@code d} (already checked by TiffInspector). */
    static JpegTiffImage open(Path file, TiffDirectory d, int width, int height, int bands)
            throws IOException, TiffFormatException {
        boolean tiled = d.has(TiffDirectory.TAG_TILE_OFFSETS);
        int tw = tiled ? (int) d.first(TiffDirectory.TAG_TILE_WIDTH, -1) : width;
        int th = tiled ? (int) d.first(TiffDirectory.TAG_TILE_LENGTH, -1)
                : (int) Math.min(d.first(TiffDirectory.TAG_ROWS_PER_STRIP, height), height);
        long[] offsets = d.longs(tiled ? TiffDirectory.TAG_TILE_OFFSETS : TiffDirectory.TAG_STRIP_OFFSETS);
        long[] counts = d.longs(tiled ? TiffDirectory.TAG_TILE_BYTE_COUNTS : TiffDirectory.TAG_STRIP_BYTE_COUNTS);
        byte[] tables = null;
        if (d.has(TAG_JPEG_TABLES)) {
            ByteBuffer raw = d.rawValue(d.entries.get(TAG_JPEG_TABLES));
            tables = new byte[raw.remaining()];
            raw.get(tables);
        }
        return new JpegTiffImage(file, width, height, bands, tw, th, offsets, counts, tables,
                d.first(TiffDirectory.TAG_PHOTOMETRIC, -1) == PHOTOMETRIC_YCBCR);
    }

    @Override
    public Raster getTile(int tx, int ty) {
        int index = ty * getNumXTiles() + tx;
        synchronized (cache) {
            Raster r = cache.get(index);
            if (r != null) {
                return r;
            }
        }
        Raster r = decode(tx, ty, index);
        synchronized (cache) {
            cache.put(index, r);
        }
        return r;
    }

    private Raster decode(int tx, int ty, int index) {
        if (index < 0 || index >= offsets.length || tx < 0 || tx >= getNumXTiles()) {
            throw new IndexOutOfBoundsException("no tile " + tx + "," + ty + " in " + file);
        }
        byte[] stream;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offsets[index] < 0 || counts[index] <= 0 || counts[index] > Integer.MAX_VALUE - 16
                    || offsets[index] + counts[index] > size) {
                throw new IllegalStateException(file + ": JPEG block " + index + " lies outside the file");
            }
            ByteBuffer data = TiffDirectory.readAt(ch, offsets[index], (int) counts[index], ByteOrder.BIG_ENDIAN);
            stream = withTables(data);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": reading JPEG block " + index + " failed: " + e.getMessage(), e);
        }
        Raster raw = readRaster(stream, index);
        // strips and tiles are full blocks in the file; the last strip may be shorter
        WritableRaster out = Raster.createWritableRaster(sampleModel, new Point(tx * tileWidth, ty * tileHeight));
        int w = Math.min(tileWidth, raw.getWidth());
        int h = Math.min(tileHeight, raw.getHeight());
        if (raw.getNumBands() != bands) {
            throw new IllegalStateException(file + ": JPEG block " + index + " has " + raw.getNumBands()
                    + " components, the TIFF says " + bands);
        }
        int[] px = raw.getPixels(raw.getMinX(), raw.getMinY(), w, h, (int[]) null);
        if (ycbcr) {
            for (int i = 0; i < px.length; i += 3) {
                double y = px[i], cb = px[i + 1] - 128.0, cr = px[i + 2] - 128.0;
                px[i] = clamp(y + 1.402 * cr);
                px[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
                px[i + 2] = clamp(y + 1.772 * cb);
            }
        }
        out.setPixels(out.getMinX(), out.getMinY(), w, h, px);
        return out;
    }

    /** The block as a complete JPEG stream: the shared tables (without their EOI) + the block (without its SOI). */
    private byte[] withTables(ByteBuffer data) {
        byte[] block = new byte[data.remaining()];
        data.get(block);
        if (tables == null || tables.length < 4 || block.length < 2) {
            return block;
        }
        byte[] s = new byte[tables.length - 2 + block.length - 2];
        System.arraycopy(tables, 0, s, 0, tables.length - 2);
        System.arraycopy(block, 2, s, tables.length - 2, block.length - 2);
        return s;
    }

    private Raster readRaster(byte[] stream, int index) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no JPEG reader");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(stream))) {
            reader.setInput(in, true, true);
            return reader.readRaster(0, null); // raw components: no colour conversion, chroma upsampled
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(file + ": JPEG block " + index + " is corrupt: " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    @Override
    public ColorModel getColorModel() {
        return colorModel;
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
    public int getTileWidth() {
        return tileWidth;
    }

    @Override
    public int getTileHeight() {
        return tileHeight;
    }
}
