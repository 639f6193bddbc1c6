package org.eo2sar.core.raster;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first image file directory (IFD) of a classic TIFF or BigTIFF file, read with bounds
 * checks on every offset. We read it ourselves (besides Apache SIS) to reject undecodable or
 * corrupt files at open time with a precise message, and to get the tags SIS does not expose:
 * GDAL_NODATA, the raw GeoKey directory, the compression and predictor codes.
 */
final class TiffDirectory {
    static final int TAG_IMAGE_WIDTH = 256;
    static final int TAG_IMAGE_LENGTH = 257;
    static final int TAG_BITS_PER_SAMPLE = 258;
    static final int TAG_COMPRESSION = 259;
    static final int TAG_STRIP_OFFSETS = 273;
    static final int TAG_SAMPLES_PER_PIXEL = 277;
    static final int TAG_ROWS_PER_STRIP = 278;
    static final int TAG_STRIP_BYTE_COUNTS = 279;
    static final int TAG_PLANAR_CONFIGURATION = 284;
    static final int TAG_PREDICTOR = 317;
    static final int TAG_TILE_WIDTH = 322;
    static final int TAG_TILE_LENGTH = 323;
    static final int TAG_TILE_OFFSETS = 324;
    static final int TAG_TILE_BYTE_COUNTS = 325;
    static final int TAG_EXTRA_SAMPLES = 338;
    static final int TAG_SAMPLE_FORMAT = 339;
    static final int TAG_MODEL_PIXEL_SCALE = 33550;
    static final int TAG_MODEL_TIEPOINT = 33922;
    static final int TAG_MODEL_TRANSFORMATION = 34264;
    static final int TAG_GEO_KEY_DIRECTORY = 34735;
    static final int TAG_GEO_DOUBLE_PARAMS = 34736;
    static final int TAG_GEO_ASCII_PARAMS = 34737;
    static final int TAG_PHOTOMETRIC = 262;
    static final int TAG_GDAL_METADATA = 42112;
    static final int TAG_GDAL_NODATA = 42113;

    static final int TYPE_BYTE = 1;
    static final int TYPE_ASCII = 2;
    static final int TYPE_SHORT = 3;
    static final int TYPE_LONG = 4;
    static final int TYPE_DOUBLE = 12;
    static final int TYPE_LONG8 = 16;

    /** Refuse to read more values than this from one tag: protects against corrupt counts. */
    private static final long MAX_VALUES = 64L << 20;
    private static final int MAX_ENTRIES = 4096;

    /** One IFD entry; {@code valueField} is the file position of the value or of its offset. */
    record Entry(int tag, int type, long count, long valueField) {
    }

    final ByteOrder order;
    final boolean bigTiff;
    final long fileSize;
    /** File position of the header field holding the first IFD offset. */
    final long firstIfdPointerPosition;
    final long ifdOffset;
    /** File position of the next-IFD offset that follows this IFD's entries. */
    final long nextIfdPointerPosition;
    final Map<Integer, Entry> entries;
    private final FileChannel channel;

    private TiffDirectory(FileChannel channel, ByteOrder order, boolean bigTiff, long fileSize, long ifdOffset,
                          long nextPointer, Map<Integer, Entry> entries) {
        this.channel = channel;
        this.order = order;
        this.bigTiff = bigTiff;
        this.fileSize = fileSize;
        this.firstIfdPointerPosition = bigTiff ? 8 : 4;
        this.ifdOffset = ifdOffset;
        this.nextIfdPointerPosition = nextPointer;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * Reads the header and first IFD. The channel stays owned by the caller and must stay open while
     * values are read.
     *
     * @throws TiffFormatException if the bytes are not a TIFF or the directory is corrupt
     */
    static TiffDirectory read(FileChannel channel) throws IOException, TiffFormatException {
        long size = channel.size();
        if (size < 8) {
            throw new TiffFormatException("is not a TIFF file (only " + size + " bytes)");
        }
        ByteBuffer head = readAt(channel, 0, (int) Math.min(16, size), ByteOrder.BIG_ENDIAN);
        ByteOrder order;
        if (head.get(0) == 'I' && head.get(1) == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (head.get(0) == 'M' && head.get(1) == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new TiffFormatException("is not a TIFF file (no II/MM byte-order mark)");
        }
        head.order(order);
        int magic = Short.toUnsignedInt(head.getShort(2));
        boolean big;
        long ifd;
        if (magic == 42) {
            big = false;
            ifd = Integer.toUnsignedLong(head.getInt(4));
        } else if (magic == 43) {
            if (size < 16 || head.getShort(4) != 8) {
                throw new TiffFormatException("is a corrupt BigTIFF file (bad header)");
            }
            big = true;
            ifd = head.getLong(8);
        } else {
            throw new TiffFormatException("is not a TIFF file (magic number " + magic + ")");
        }
        if (ifd < (big ? 16 : 8) || ifd + (big ? 8 : 2) > size) {
            throw new TiffFormatException("is corrupt: first image directory offset " + ifd
                    + " lies outside the file (" + size + " bytes)");
        }
        return readIfd(channel, order, big, size, ifd);
    }

    /** The directory at {@code ifd}, in a file of this byte order and flavour. */
    private static TiffDirectory readIfd(FileChannel channel, ByteOrder order, boolean big, long size, long ifd)
            throws IOException, TiffFormatException {
        int countSize = big ? 8 : 2;
        int entrySize = big ? 20 : 12;
        if (ifd < (big ? 16 : 8) || ifd + countSize > size) {
            throw new TiffFormatException("is corrupt: image directory offset " + ifd
                    + " lies outside the file (" + size + " bytes)");
        }
        ByteBuffer cb = readAt(channel, ifd, countSize, order);
        long n = big ? cb.getLong(0) : Short.toUnsignedInt(cb.getShort(0));
        if (n <= 0 || n > MAX_ENTRIES) {
            throw new TiffFormatException("is corrupt: image directory has " + n + " entries");
        }
        long end = ifd + countSize + n * entrySize + (big ? 8 : 4);
        if (end > size) {
            throw new TiffFormatException("is corrupt: image directory runs past the end of the file");
        }
        ByteBuffer eb = readAt(channel, ifd + countSize, (int) (n * entrySize), order);
        Map<Integer, Entry> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int p = i * entrySize;
            int tag = Short.toUnsignedInt(eb.getShort(p));
            int type = Short.toUnsignedInt(eb.getShort(p + 2));
            long count = big ? eb.getLong(p + 4) : Integer.toUnsignedLong(eb.getInt(p + 4));
            long field = ifd + countSize + p + (big ? 12 : 8);
            map.putIfAbsent(tag, new Entry(tag, type, count, field));
        }
        return new TiffDirectory(channel, order, big, size, ifd, ifd + countSize + n * entrySize, map);
    }

    /**
     * The directory after this one, or null at the end of the chain (an offset outside the file is
     * corrupt). A corrupt chain can loop: callers bound how far they walk.
     */
    TiffDirectory next() throws IOException, TiffFormatException {
        ByteBuffer b = readAt(channel, nextIfdPointerPosition, bigTiff ? 8 : 4, order);
        long next = bigTiff ? b.getLong(0) : Integer.toUnsignedLong(b.getInt(0));
        return next == 0 ? null : readIfd(channel, order, bigTiff, fileSize, next);
    }

    boolean has(int tag) {
        return entries.containsKey(tag);
    }

    static int typeSize(int type) {
        switch (type) {
            case 1: case 2: case 6: case 7: return 1;
            case 3: case 8: return 2;
            case 4: case 9: case 11: case 13: return 4;
            case 5: case 10: case 12: case 16: case 17: case 18: return 8;
            default: return 0;
        }
    }

    /** Reads the raw value bytes of an entry, following the offset when they do not fit inline. */
    ByteBuffer rawValue(Entry e) throws IOException, TiffFormatException {
        int ts = typeSize(e.type());
        if (ts == 0) {
            throw new TiffFormatException("is corrupt: tag " + e.tag() + " has unknown type " + e.type());
        }
        if (e.count() < 0 || e.count() > MAX_VALUES) {
            throw new TiffFormatException("is corrupt: tag " + e.tag() + " claims " + e.count() + " values");
        }
        long bytes = e.count() * ts;
        int inline = bigTiff ? 8 : 4;
        long pos;
        if (bytes <= inline) {
            pos = e.valueField();
        } else {
            ByteBuffer off = readAt(channel, e.valueField(), inline, order);
            pos = bigTiff ? off.getLong(0) : Integer.toUnsignedLong(off.getInt(0));
            if (pos < 0 || pos + bytes > fileSize) {
                throw new TiffFormatException("is corrupt: the values of tag " + e.tag()
                        + " lie outside the file (offset " + pos + ", " + bytes + " bytes, file " + fileSize + " bytes)");
            }
        }
        return readAt(channel, pos, (int) bytes, order);
    }

    /**
     * Refuses a directory with an entry whose values cannot be in the file: a count that, times its
     * type's size, runs past the end of the file. Apache SIS allocates such arrays when it opens the
     * file (a fuzzed count of 2^31 doubles ended in OutOfMemoryError), so we check first. Entries of
     * unknown type are left to the reader (it skips them).
     */
    void checkEntries() throws IOException, TiffFormatException {
        int inline = bigTiff ? 8 : 4;
        for (Entry e : entries.values()) {
            int ts = typeSize(e.type());
            if (ts == 0) {
                continue;
            }
            if (e.count() < 0 || e.count() > fileSize / ts) {
                throw new TiffFormatException("is corrupt: tag " + e.tag() + " claims " + Long.toUnsignedString(e.count())
                        + " values, more than the file holds");
            }
            long bytes = e.count() * ts;
            if (bytes > inline) {
                ByteBuffer off = readAt(channel, e.valueField(), inline, order);
                long pos = bigTiff ? off.getLong(0) : Integer.toUnsignedLong(off.getInt(0));
                if (pos < 0 || pos > fileSize - bytes) {
                    throw new TiffFormatException("is corrupt: the " + e.count() + " values of tag " + e.tag()
                            + " lie outside the file (offset " + pos + ", file " + fileSize + " bytes)");
                }
            }
        }
    }

    /** Integer values of a tag (BYTE, SHORT, LONG, LONG8 and their signed forms), or null if absent. */
    long[] longs(int tag) throws IOException, TiffFormatException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        ByteBuffer b = rawValue(e);
        long[] v = new long[(int) e.count()];
        for (int i = 0; i < v.length; i++) {
            switch (e.type()) {
                case 1: case 7: v[i] = Byte.toUnsignedLong(b.get(i)); break;
                case 6: v[i] = b.get(i); break;
                case 3: v[i] = Short.toUnsignedLong(b.getShort(2 * i)); break;
                case 8: v[i] = b.getShort(2 * i); break;
                case 4: case 13: v[i] = Integer.toUnsignedLong(b.getInt(4 * i)); break;
                case 9: v[i] = b.getInt(4 * i); break;
                case 16: case 17: case 18: v[i] = b.getLong(8 * i); break;
                default:
                    throw new TiffFormatException("is corrupt: tag " + tag + " has non-integer type " + e.type());
            }
        }
        return v;
    }

    /** The first integer value of a tag, or {@code dflt} when absent. */
    long first(int tag, long dflt) throws IOException, TiffFormatException {
        long[] v = longs(tag);
        return v == null || v.length == 0 ? dflt : v[0];
    }

    /** DOUBLE (or FLOAT) values of a tag, or null if absent. */
    double[] doubles(int tag) throws IOException, TiffFormatException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        ByteBuffer b = rawValue(e);
        double[] v = new double[(int) e.count()];
        for (int i = 0; i < v.length; i++) {
            if (e.type() == TYPE_DOUBLE) {
                v[i] = b.getDouble(8 * i);
            } else if (e.type() == 11) {
                v[i] = b.getFloat(4 * i);
            } else {
                throw new TiffFormatException("is corrupt: tag " + tag + " is not floating point");
            }
        }
        return v;
    }

    /** ASCII value of a tag without the trailing NULs, or null if absent. */
    String ascii(int tag) throws IOException, TiffFormatException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        ByteBuffer b = rawValue(e);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        int len = bytes.length;
        while (len > 0 && bytes[len - 1] == 0) {
            len--;
        }
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }

    static ByteBuffer readAt(FileChannel channel, long pos, int length, ByteOrder order) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            int r = channel.read(b, pos + b.position());
            if (r < 0) {
                throw new EOFException("unexpected end of file at byte " + (pos + b.position()));
            }
        }
        return b.flip().order(order);
    }
}
