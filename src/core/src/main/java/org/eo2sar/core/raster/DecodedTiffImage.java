package org.eo2sar.core.raster;

import io.airlift.compress.zstd.ZstdDecompressor;
import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferDouble;
import java.awt.image.DataBufferFloat;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferShort;
import java.awt.image.DataBufferUShort;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.sis.image.PlanarImage;

/**
 * The pixels of the TIFF encodings Apache SIS 1.6 cannot decode, decoded block by block on demand:
 * <ul>
 *   <li><b>JPEG</b> (compression 7, the usual aerial-orthophoto COG): each tile or strip is one JPEG
 *       stream, completed with the file's shared JPEGTables and decoded by the JDK's own JPEG reader
 *       (no colour conversion); YCbCr (photometric 6) becomes RGB with the JFIF equations, as
 *       libtiff and GDAL present it;</li>
 *   <li><b>ZSTD</b> (compression 50000, e.g. {@code eo2sar translate --compress zstd} or GDAL's
 *       {@code COMPRESS=ZSTD}), through aircompressor's pure-Java decoder, with predictor 1, 2 or 3;</li>
 *   <li><b>Deflate with the floating-point predictor</b> (3), which SIS refuses;</li>
 *   <li>and, although SIS reads it, <b>pixel-interleaved Deflate</b> with predictor 1 or 2 (the usual GeoTIFF):
 *       this decoder needs about a quarter less CPU (docs/decisions.md #17).</li>
 * </ul>
 * A cache keeps the last three rows of blocks (at least 32), softly referenced so that a small heap can
 * drop them, because the translator's windows overlap by their margins, along and across rows.
 */
final class DecodedTiffImage extends PlanarImage {
    static final int COMPRESSION_JPEG = 7;
    static final int COMPRESSION_DEFLATE = 8;
    static final int COMPRESSION_ADOBE_DEFLATE = 32946;
    static final int COMPRESSION_ZSTD = 50000;
    private static final int TAG_JPEG_TABLES = 347;
    private static final int PHOTOMETRIC_YCBCR = 6;
    private static final int MIN_CACHED_TILES = 32;
    private static final int CACHED_TILE_ROWS = 3;
    /** One scratch block per reading thread, shared by all images: a server's long-lived workers keep one each. */
    private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

    private final Path file;
    private final int compression;
    private final int predictor;
    private final ByteOrder order;
    private final RasterDataType type;
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
    private final int cachedTiles;
    private final Map<Integer, SoftReference<Raster>> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, SoftReference<Raster>> eldest) {
            return size() > cachedTiles;
        }
    };

    private DecodedTiffImage(Path file, TiffDirectory d, TiffInspector.Facts facts) throws IOException, TiffFormatException {
        this.file = file;
        this.compression = facts.compression();
        this.predictor = facts.predictor();
        this.order = d.order;
        this.type = facts.dataType();
        this.width = facts.width();
        this.height = facts.height();
        this.bands = facts.bands();
        boolean tiled = d.has(TiffDirectory.TAG_TILE_OFFSETS);
        this.tileWidth = tiled ? (int) d.first(TiffDirectory.TAG_TILE_WIDTH, -1) : width;
        this.tileHeight = tiled ? (int) d.first(TiffDirectory.TAG_TILE_LENGTH, -1)
                : (int) Math.min(d.first(TiffDirectory.TAG_ROWS_PER_STRIP, height), height);
        this.cachedTiles = Math.max(MIN_CACHED_TILES, CACHED_TILE_ROWS * ((width + tileWidth - 1) / tileWidth));
        this.offsets = d.longs(tiled ? TiffDirectory.TAG_TILE_OFFSETS : TiffDirectory.TAG_STRIP_OFFSETS);
        this.counts = d.longs(tiled ? TiffDirectory.TAG_TILE_BYTE_COUNTS : TiffDirectory.TAG_STRIP_BYTE_COUNTS);
        byte[] t = null;
        if (compression == COMPRESSION_JPEG && d.has(TAG_JPEG_TABLES)) {
            ByteBuffer raw = d.rawValue(d.entries.get(TAG_JPEG_TABLES));
            t = new byte[raw.remaining()];
            raw.get(t);
        }
        this.tables = t;
        this.ycbcr = compression == COMPRESSION_JPEG && d.first(TiffDirectory.TAG_PHOTOMETRIC, -1) == PHOTOMETRIC_YCBCR;
        int[] offs = new int[bands];
        for (int b = 0; b < bands; b++) {
            offs[b] = b;
        }
        this.sampleModel = new PixelInterleavedSampleModel(type.dataBufferType(), tileWidth, tileHeight, bands,
                tileWidth * bands, offs);
        this.colorModel = type == RasterDataType.UINT8 && (bands == 3 || bands == 1)
                ? new ComponentColorModel(ColorSpace.getInstance(bands == 3 ? ColorSpace.CS_sRGB : ColorSpace.CS_GRAY),
                        false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE)
                : null;
    }

    /** Whether this class, not Apache SIS, decodes a file of this compression and predictor. */
    static boolean decodes(int compression, int predictor) {
        return compression == COMPRESSION_JPEG || compression == COMPRESSION_ZSTD
                || predictor == 3 && (compression == COMPRESSION_DEFLATE || compression == COMPRESSION_ADOBE_DEFLATE);
    }

    /**
     * Whether this class, not Apache SIS, decodes this file: what SIS cannot ({@link #decodes}), and also
     * Deflate with predictor 1 or 2 in pixel-interleaved blocks, which SIS decodes with more CPU
     * (band-separate ones stay with SIS).
     */
    static boolean decodesFile(TiffDirectory d, TiffInspector.Facts facts) throws IOException, TiffFormatException {
        int c = facts.compression();
        return decodes(c, facts.predictor())
                || (c == COMPRESSION_DEFLATE || c == COMPRESSION_ADOBE_DEFLATE)
                && unsupportedReason(d, c, facts.predictor(), facts.bands(), facts.dataType()) == null;
    }

    /** Why a file that {@link #decodes} cannot be decoded after all, or null when it can. */
    static String unsupportedReason(TiffDirectory d, int compression, int predictor, int bands, RasterDataType type)
            throws IOException, TiffFormatException {
        if (bands > 1 && d.first(TiffDirectory.TAG_PLANAR_CONFIGURATION, 1) != 1) {
            String name = compression == COMPRESSION_JPEG ? "JPEG" : compression == COMPRESSION_ZSTD ? "ZSTD" : "Deflate";
            return "band-separate (planar) " + name + " blocks" + (predictor == 3 ? " with the floating-point predictor" : "");
        }
        if (compression == COMPRESSION_JPEG) {
            long photometric = d.first(TiffDirectory.TAG_PHOTOMETRIC, -1);
            if (type != RasterDataType.UINT8) {
                return type.bits() + "-bit JPEG (only 8-bit JPEG is decoded)";
            }
            boolean ok = bands == 1 && (photometric == 0 || photometric == 1)
                    || bands == 3 && (photometric == 2 || photometric == PHOTOMETRIC_YCBCR)
                    || bands == 4 && photometric == 2;
            return ok ? null : "JPEG with " + bands + " bands and photometric interpretation " + photometric;
        }
        if (predictor == 3 && !type.isFloatingPoint()) {
            return "the floating-point predictor (3) on " + type + " samples";
        }
        if (predictor == 2 && type.isFloatingPoint()) {
            return "the integer predictor (2) on " + type + " samples";
        }
        return null;
    }

    /** The pixels of {@code file}, whose first directory is {@code d}, as {@code facts} (TiffInspector) describes it. */
    static DecodedTiffImage open(Path file, TiffDirectory d, TiffInspector.Facts facts) throws IOException, TiffFormatException {
        return new DecodedTiffImage(file, d, facts);
    }

    @Override
    public Raster getTile(int tx, int ty) {
        int index = ty * getNumXTiles() + tx;
        synchronized (cache) {
            SoftReference<Raster> ref = cache.get(index);
            Raster r = ref == null ? null : ref.get();
            if (r != null) {
                return r;
            }
        }
        Raster r = decode(tx, ty, index);
        synchronized (cache) {
            cache.put(index, new SoftReference<>(r));
        }
        return r;
    }

    private Raster decode(int tx, int ty, int index) {
        if (index < 0 || index >= offsets.length || tx < 0 || tx >= getNumXTiles()) {
            throw new IndexOutOfBoundsException("no tile " + tx + "," + ty + " in " + file);
        }
        byte[] block;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offsets[index] < 0 || counts[index] <= 0 || counts[index] > Integer.MAX_VALUE - 16
                    || offsets[index] + counts[index] > ch.size()) {
                throw new IllegalStateException(file + ": block " + index + " lies outside the file");
            }
            block = TiffDirectory.readAt(ch, offsets[index], (int) counts[index], ByteOrder.BIG_ENDIAN).array();
        } catch (IOException e) {
            throw new IllegalStateException(file + ": reading block " + index + " failed: " + e.getMessage(), e);
        }
        Point origin = new Point(tx * tileWidth, ty * tileHeight);
        return compression == COMPRESSION_JPEG ? jpeg(block, index, origin) : uncompressed(block, index, origin);
    }

    // --- JPEG ---

    private Raster jpeg(byte[] block, int index, Point origin) {
        Raster raw = readJpeg(withTables(block), index);
        // strips and tiles are full blocks in the file; the last strip may be shorter
        WritableRaster out = Raster.createWritableRaster(sampleModel, origin);
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
    private byte[] withTables(byte[] block) {
        if (tables == null || tables.length < 4 || block.length < 2) {
            return block;
        }
        byte[] s = new byte[tables.length - 2 + block.length - 2];
        System.arraycopy(tables, 0, s, 0, tables.length - 2);
        System.arraycopy(block, 2, s, tables.length - 2, block.length - 2);
        return s;
    }

    private Raster readJpeg(byte[] stream, int index) {
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

    // --- ZSTD and Deflate: bytes, predictor, samples ---

    private Raster uncompressed(byte[] block, int index, Point origin) {
        int bps = type.bits() / 8;
        int rows = Math.min(tileHeight, height - origin.y); // the last strip may be shorter
        int rowBytes = tileWidth * bands * bps;
        // uint8 samples keep the decoded bytes as their data buffer; wider types copy them out, so their
        // bytes go to a per-thread scratch array (a block of 256 x 256 x 3 uint16 is 384 KiB per tile read)
        byte[] raw = type == RasterDataType.UINT8 ? new byte[tileHeight * rowBytes] : scratch(tileHeight * rowBytes);
        int n = compression == COMPRESSION_ZSTD ? unzstd(block, raw, index) : inflate(block, raw, index);
        if (n < rows * rowBytes) {
            throw new IllegalStateException(file + ": block " + index + " decodes to " + n + " bytes instead of "
                    + rows * rowBytes);
        }
        Arrays.fill(raw, n, raw.length, (byte) 0); // a short last strip: no rows left over from the block before
        ByteOrder samples = order;
        if (predictor == 3) {
            undoFloatPredictor(raw, rows, rowBytes, bps);
            samples = ByteOrder.BIG_ENDIAN; // the predictor stores each sample's bytes most significant first
        }
        DataBuffer db = dataBuffer(ByteBuffer.wrap(raw).order(samples), tileWidth * tileHeight * bands);
        if (predictor == 2) {
            undoHorizontalDifferencing(db, rows);
        }
        return Raster.createWritableRaster(sampleModel, db, origin);
    }

    private static byte[] scratch(int length) {
        byte[] b = SCRATCH.get();
        if (b == null || b.length != length) {
            b = new byte[length];
            SCRATCH.set(b);
        }
        return b;
    }

    private int unzstd(byte[] block, byte[] raw, int index) {
        try {
            return new ZstdDecompressor().decompress(block, 0, block.length, raw, 0, raw.length);
        } catch (RuntimeException e) { // aircompressor's MalformedInputException and bounds errors
            throw new IllegalStateException(file + ": ZSTD block " + index + " is corrupt: " + e.getMessage(), e);
        }
    }

    private int inflate(byte[] block, byte[] raw, int index) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(block);
            int n = 0;
            while (n < raw.length && !inflater.finished()) {
                int k = inflater.inflate(raw, n, raw.length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            return n;
        } catch (DataFormatException e) {
            throw new IllegalStateException(file + ": Deflate block " + index + " is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /**
     * TIFF predictor 3 (Adobe's floating-point predictor, as libtiff writes it): per row, the bytes were
     * split into planes (most significant byte first) and then differenced byte by byte with a stride
     * of one pixel. Undone in place: accumulate, then interleave the planes back into big-endian samples.
     */
    private void undoFloatPredictor(byte[] raw, int rows, int rowBytes, int bps) {
        byte[] tmp = new byte[rowBytes];
        int samples = rowBytes / bps;
        for (int r = 0; r < rows; r++) {
            int base = r * rowBytes;
            for (int i = bands; i < rowBytes; i++) {
                raw[base + i] += raw[base + i - bands];
            }
            System.arraycopy(raw, base, tmp, 0, rowBytes);
            for (int s = 0; s < samples; s++) {
                for (int b = 0; b < bps; b++) {
                    raw[base + s * bps + b] = tmp[b * samples + s];
                }
            }
        }
    }

    /**
     * TIFF predictor 2: each sample was stored as the difference to the same band of the pixel before it.
     * Summed in the sample type, so it wraps like libtiff's unsigned sums; on the arrays, not per element
     * through the DataBuffer, because this runs over every input sample.
     */
    private void undoHorizontalDifferencing(DataBuffer db, int rows) {
        int rowSamples = tileWidth * bands;
        for (int r = 0; r < rows; r++) {
            int from = r * rowSamples + bands, to = (r + 1) * rowSamples;
            if (db instanceof DataBufferByte b) {
                byte[] a = b.getData();
                for (int i = from; i < to; i++) {
                    a[i] += a[i - bands];
                }
            } else if (db instanceof DataBufferUShort || db instanceof DataBufferShort) {
                short[] a = db instanceof DataBufferUShort u ? u.getData() : ((DataBufferShort) db).getData();
                for (int i = from; i < to; i++) {
                    a[i] += a[i - bands];
                }
            } else if (db instanceof DataBufferInt in) {
                int[] a = in.getData();
                for (int i = from; i < to; i++) {
                    a[i] += a[i - bands];
                }
            } else {
                throw new IllegalStateException(file + ": the integer predictor on " + type + " samples");
            }
        }
    }

    private DataBuffer dataBuffer(ByteBuffer bytes, int n) {
        switch (type) {
            case UINT8:
                return new DataBufferByte(bytes.array(), n);
            case UINT16: {
                short[] a = new short[n];
                bytes.asShortBuffer().get(a);
                return new DataBufferUShort(a, n);
            }
            case INT16: {
                short[] a = new short[n];
                bytes.asShortBuffer().get(a);
                return new DataBufferShort(a, n);
            }
            case UINT32:
            case INT32: {
                int[] a = new int[n];
                bytes.asIntBuffer().get(a);
                return new DataBufferInt(a, n);
            }
            case FLOAT32: {
                float[] a = new float[n];
                bytes.asFloatBuffer().get(a);
                return new DataBufferFloat(a, n);
            }
            default: {
                double[] a = new double[n];
                bytes.asDoubleBuffer().get(a);
                return new DataBufferDouble(a, n);
            }
        }
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
