package org.eo2sar.core.raster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds or replaces tags in the first IFD of a TIFF we just wrote, for what Apache SIS does not
 * write itself: GDAL_NODATA and the source file's GeoKeys. The new directory (and any value too
 * large to sit inline) is appended at the end of the file and the header is pointed at it; pixel
 * data is not touched and the old directory becomes a few hundred unused bytes.
 */
final class TiffPatcher {
    /** A tag to set; {@code values} is an int[] (SHORT), long[] (LONG), double[] or String (ASCII); null removes the tag. */
    record Tag(int tag, Object values) {
    }

    private TiffPatcher() {
    }

    static Tag ascii(int tag, String s) {
        return new Tag(tag, s);
    }

    static Tag shorts(int tag, int[] v) {
        return new Tag(tag, v);
    }

    static Tag longs(int tag, long[] v) {
        return new Tag(tag, v);
    }

    static Tag remove(int tag) {
        return new Tag(tag, null);
    }

    static Tag doubles(int tag, double[] v) {
        return new Tag(tag, v);
    }

    static void setTags(Path file, List<Tag> tags) throws IOException, TiffFormatException {
        if (tags.isEmpty()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TiffDirectory d = TiffDirectory.read(ch);
            boolean big = d.bigTiff;
            int entrySize = big ? 20 : 12;
            int inline = big ? 8 : 4;
            int countSize = big ? 8 : 2;
            // Raw bytes of the kept entries: their inline values and offsets stay valid as pixel data does not move.
            Map<Integer, byte[]> out = new TreeMap<>();   // TIFF wants entries sorted by tag
            int n = d.entries.size();
            ByteBuffer old = TiffDirectory.readAt(ch, d.ifdOffset + countSize, n * entrySize, d.order);
            for (int i = 0; i < n; i++) {
                byte[] e = new byte[entrySize];
                old.get(i * entrySize, e);
                int tag = ByteBuffer.wrap(e).order(d.order).getShort(0) & 0xFFFF;
                out.putIfAbsent(tag, e);
            }
            long end = align(ch.size());
            List<ByteBuffer> appended = new ArrayList<>();
            for (Tag t : tags) {
                if (t.values() == null) {
                    out.remove(t.tag());
                    continue;
                }
                ByteBuffer value = encode(t.values(), d.order);
                int type = typeOf(t.values());
                long count = value.remaining() / TiffDirectory.typeSize(type);
                ByteBuffer entry = ByteBuffer.allocate(entrySize).order(d.order);
                entry.putShort((short) t.tag()).putShort((short) type);
                if (big) {
                    entry.putLong(count);
                } else {
                    entry.putInt((int) count);
                }
                if (value.remaining() <= inline) {
                    entry.put(value);
                } else {
                    checkOffset(big, end);
                    if (big) {
                        entry.putLong(end);
                    } else {
                        entry.putInt((int) end);
                    }
                    ByteBuffer padded = ByteBuffer.allocate((int) align(value.remaining())).order(d.order);
                    padded.put(value).rewind();
                    appended.add(padded);
                    end += padded.capacity();
                }
                out.put(t.tag(), entry.array());
            }
            long nextIfd = big ? TiffDirectory.readAt(ch, d.nextIfdPointerPosition, 8, d.order).getLong(0)
                    : Integer.toUnsignedLong(TiffDirectory.readAt(ch, d.nextIfdPointerPosition, 4, d.order).getInt(0));
            long ifdPos = end;
            checkOffset(big, ifdPos);
            ByteBuffer ifd = ByteBuffer.allocate(countSize + out.size() * entrySize + (big ? 8 : 4)).order(d.order);
            if (big) {
                ifd.putLong(out.size());
            } else {
                ifd.putShort((short) out.size());
            }
            out.values().forEach(ifd::put);
            if (big) {
                ifd.putLong(nextIfd);
            } else {
                ifd.putInt((int) nextIfd);
            }
            long pos = align(ch.size());
            for (ByteBuffer b : appended) {
                pos += writeFully(ch, b, pos);
            }
            writeFully(ch, ifd.flip(), pos);
            ByteBuffer pointer = ByteBuffer.allocate(big ? 8 : 4).order(d.order);
            if (big) {
                pointer.putLong(ifdPos);
            } else {
                pointer.putInt((int) ifdPos);
            }
            writeFully(ch, pointer.flip(), d.firstIfdPointerPosition);
            ch.force(true);
        }
    }

    static int typeOf(Object v) {
        if (v instanceof String) {
            return TiffDirectory.TYPE_ASCII;
        } else if (v instanceof int[]) {
            return TiffDirectory.TYPE_SHORT;
        } else if (v instanceof long[]) {
            return TiffDirectory.TYPE_LONG;
        } else if (v instanceof double[]) {
            return TiffDirectory.TYPE_DOUBLE;
        }
        throw new IllegalArgumentException("unsupported tag value " + v.getClass());
    }

    static ByteBuffer encode(Object v, ByteOrder order) {
        if (v instanceof String s) {
            byte[] b = (s + '\0').getBytes(StandardCharsets.ISO_8859_1);
            return ByteBuffer.wrap(b).order(order);
        } else if (v instanceof int[] a) {
            ByteBuffer b = ByteBuffer.allocate(2 * a.length).order(order);
            for (int x : a) {
                b.putShort((short) x);
            }
            return b.flip();
        } else if (v instanceof long[] a) {
            ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(order);
            for (long x : a) {
                b.putInt((int) x);
            }
            return b.flip();
        } else if (v instanceof double[] a) {
            ByteBuffer b = ByteBuffer.allocate(8 * a.length).order(order);
            for (double x : a) {
                b.putDouble(x);
            }
            return b.flip();
        }
        throw new IllegalArgumentException("unsupported tag value " + v.getClass());
    }

    private static void checkOffset(boolean big, long offset) throws TiffFormatException {
        if (!big && offset > 0xFFFF_FFFFL) {
            throw new TiffFormatException("is larger than 4 GB but not a BigTIFF; cannot add tags");
        }
    }

    private static long align(long pos) {
        return (pos + 1) & ~1L;     // TIFF wants word-aligned offsets
    }

    /** Writes all of {@code b} at {@code pos}; returns its length. */
    static int writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int n = b.remaining();
        int done = 0;
        while (done < n) {
            done += ch.write(b, pos + done);
        }
        return n;
    }
}
