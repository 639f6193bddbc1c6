package org.eo2sar.core.raster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.Matcher;
import java.util.List;
import java.util.Arrays;

/**
 * Checks a TIFF's first directory before Apache SIS touches the pixels: encodings SIS cannot
 * decode, absurd sizes and tile/strip data outside the file are rejected here, at open time,
 * rather than as an obscure failure in the middle of a translation.
 */
final class TiffInspector {
    /** Largest accepted side, in pixels. */
    static final long MAX_SIDE = 1_000_000L;
    /** Largest accepted pixel count per band (RenderedImage coordinates and our buffers are int-indexed). */
    static final long MAX_PIXELS = 1L << 31;
    /**
     * Largest decoded tile or strip accepted (bytes): a tiny file may declare a block that decodes
     * to gigabytes, which would end in OutOfMemoryError; we refuse it before decoding anything.
     */
    static final long MAX_BLOCK_BYTES = 256L << 20;
    /** Above this many tiles/strips we skip the per-block offset check (it would cost memory, not safety). */
    private static final long MAX_CHECKED_BLOCKS = 4_000_000L;

    /** What we learnt from the header. */
    record Facts(int width, int height, int bands, RasterDataType dataType, int compression, int predictor,
                 OptionalDouble nodata, GeoTiffKeys geoKeys, OptionalInt alphaBand, List<String> bandLabels) {
    }

    private TiffInspector() {
    }

    static Facts inspect(Path file) throws IOException, TiffFormatException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return inspect(TiffDirectory.read(ch));
        }
    }

    /** Directories walked at most when looking for a mask (a corrupt chain may loop). */
    private static final int MAX_DIRECTORIES = 64;
    private static final int TAG_NEW_SUBFILE_TYPE = 254;

    /**
     * Where GDAL put a per-dataset mask inside the file: the index, among the full-resolution images
     * (the ones Apache SIS lists as components; reduced-resolution overviews are not), of the first
     * directory whose NewSubfileType says "transparency mask" (4), or -1. A damaged chain after the
     * first directory is treated as "no mask": the image itself was already checked.
     */
    static int maskComponent(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            TiffDirectory d = TiffDirectory.read(ch);
            int fullResolution = 0;
            for (int i = 0; i < MAX_DIRECTORIES && d != null; i++) {
                d.checkEntries();   // the reader resolves every directory it lists: none may be absurd
                long type = d.first(TAG_NEW_SUBFILE_TYPE, 0);
                if ((type & 1) == 0) {
                    if ((type & 4) != 0 && fullResolution > 0) {
                        return fullResolution;
                    }
                    fullResolution++;
                }
                d = d.next();
            }
            return -1;
        } catch (TiffFormatException e) {
            return -1;
        }
    }

    static Facts inspect(TiffDirectory d) throws IOException, TiffFormatException {
        d.checkEntries();
        long width = d.first(TiffDirectory.TAG_IMAGE_WIDTH, -1);
        long height = d.first(TiffDirectory.TAG_IMAGE_LENGTH, -1);
        if (width <= 0 || height <= 0) {
            throw new TiffFormatException("is corrupt: missing or zero image width/height (" + width + "x" + height + ")");
        }
        if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
            throw new TiffFormatException("has absurd dimensions " + width + "x" + height
                    + " (limits: " + MAX_SIDE + " px per side, " + MAX_PIXELS + " px per band)");
        }
        long bands = d.first(TiffDirectory.TAG_SAMPLES_PER_PIXEL, 1);
        if (bands < 1 || bands > 4096) {
            throw new TiffFormatException("has an absurd band count " + bands);
        }
        long[] bits = d.longs(TiffDirectory.TAG_BITS_PER_SAMPLE);
        long[] formats = d.longs(TiffDirectory.TAG_SAMPLE_FORMAT);
        int b0 = bits == null || bits.length == 0 ? 1 : (int) bits[0];
        int f0 = formats == null || formats.length == 0 ? 1 : (int) formats[0];
        for (int i = 1; bits != null && i < bits.length; i++) {
            if (bits[i] != b0 || formats != null && i < formats.length && formats[i] != f0) {
                throw new TiffFormatException("mixes sample types across bands, which is not supported");
            }
        }
        RasterDataType type = RasterDataType.ofTiff(b0, f0);
        if (type == null) {
            throw new TiffFormatException("has an unsupported sample type (" + b0 + " bits, "
                    + sampleFormatName(f0) + "); supported: uint8, uint16, int16, uint32, int32, float32, float64");
        }
        // Structure first: a damaged file is reported as corrupt whatever its encoding.
        checkBlocks(d, width, height, bands, (b0 + 7) / 8);
        int compression = (int) d.first(TiffDirectory.TAG_COMPRESSION, 1);
        int predictor = (int) d.first(TiffDirectory.TAG_PREDICTOR, 1);
        if (predictor != 1 && predictor != 2 && predictor != 3) {
            throw new TiffFormatException("uses an unknown predictor " + predictor);
        }
        if (DecodedTiffImage.decodes(compression, predictor)) { // ours to decode: JPEG, ZSTD, float predictor
            String why = DecodedTiffImage.unsupportedReason(d, compression, predictor, (int) bands, type);
            if (why != null) {
                throw new TiffFormatException("uses " + why + ", which is not supported"
                        + "; re-encode it, e.g. gdal_translate -co COMPRESS=DEFLATE -co TILED=YES IN OUT");
            }
        } else {
            String unsupported = unsupportedCompression(compression);
            if (unsupported != null) {
                throw new TiffFormatException("uses " + unsupported + " compression, which is not supported"
                        + "; re-encode it, e.g. gdal_translate -co COMPRESS=DEFLATE -co TILED=YES IN OUT");
            }
            if (predictor == 3) {
                throw new TiffFormatException("uses the floating-point predictor (3) with " + compressionName(compression)
                        + ", which is not supported; re-encode it, e.g. gdal_translate -co COMPRESS=DEFLATE IN OUT");
            }
        }
        return new Facts((int) width, (int) height, (int) bands, type, compression, predictor,
                nodata(d), geoKeys(d), alphaBand(d, (int) bands), bandLabels(d, (int) bands));
    }

    private static final Pattern GDAL_DESCRIPTION =
            Pattern.compile("<Item name=\"DESCRIPTION\" sample=\"(\\d+)\" role=\"description\">([^<]*)</Item>");

    /**
     * Per band what it is, as gdalinfo says it: the GDAL band description when the file has one
     * (GDAL_METADATA), else the colour interpretation from Photometric / ExtraSamples (Red, Green,
     * Blue, Gray, Alpha), else "Undefined".
     */
    static List<String> bandLabels(TiffDirectory d, int bands) throws IOException, TiffFormatException {
        String[] labels = new String[bands];
        Arrays.fill(labels, "Undefined");
        long photometric = d.first(TiffDirectory.TAG_PHOTOMETRIC, -1);
        if ((photometric == 2 || photometric == 6) && bands >= 3) { // YCbCr JPEG is decoded to RGB
            labels[0] = "Red";
            labels[1] = "Green";
            labels[2] = "Blue";
        } else if (photometric == 0 || photometric == 1) {
            labels[0] = "Gray";
        }
        OptionalInt alpha = alphaBand(d, bands);
        if (alpha.isPresent()) {
            labels[alpha.getAsInt()] = "Alpha";
        }
        String xml = d.ascii(TiffDirectory.TAG_GDAL_METADATA);
        if (xml != null) {
            Matcher m = GDAL_DESCRIPTION.matcher(xml);
            while (m.find()) {
                int band = Integer.parseInt(m.group(1));
                String text = m.group(2).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                        .replace("&apos;", "'").replace("&amp;", "&").strip();
                if (band >= 0 && band < bands && !text.isEmpty()) {
                    labels[band] = text;
                }
            }
        }
        return List.of(labels);
    }

    /**
     * The 0-based band that ExtraSamples marks as alpha (1 = associated, 2 = unassociated; the extra
     * samples are the last bands), as GDAL writes for RGBA and "-b 1 -b 2 -b 3 -b mask" outputs.
     */
    static OptionalInt alphaBand(TiffDirectory d, int bands) throws IOException, TiffFormatException {
        long[] extra = d.longs(TiffDirectory.TAG_EXTRA_SAMPLES);
        if (extra == null || extra.length == 0 || extra.length > bands) {
            return OptionalInt.empty();
        }
        for (int i = 0; i < extra.length; i++) {
            if (extra[i] == 1 || extra[i] == 2) {
                return OptionalInt.of(bands - extra.length + i);
            }
        }
        return OptionalInt.empty();
    }

    /** Tiles or strips: counts must match the image, and every block must lie inside the file. */
    private static void checkBlocks(TiffDirectory d, long width, long height, long bands, long bytesPerSample)
            throws IOException, TiffFormatException {
        boolean tiled = d.has(TiffDirectory.TAG_TILE_OFFSETS);
        long bw;
        long bh;
        String what;
        int offTag;
        int countTag;
        if (tiled) {
            bw = d.first(TiffDirectory.TAG_TILE_WIDTH, -1);
            bh = d.first(TiffDirectory.TAG_TILE_LENGTH, -1);
            what = "tile";
            offTag = TiffDirectory.TAG_TILE_OFFSETS;
            countTag = TiffDirectory.TAG_TILE_BYTE_COUNTS;
        } else {
            bw = width;
            bh = Math.min(d.first(TiffDirectory.TAG_ROWS_PER_STRIP, height), height);
            what = "strip";
            offTag = TiffDirectory.TAG_STRIP_OFFSETS;
            countTag = TiffDirectory.TAG_STRIP_BYTE_COUNTS;
        }
        if (bw <= 0 || bh <= 0 || bw > MAX_SIDE * 2 || bh > MAX_SIDE * 2) {
            throw new TiffFormatException("is corrupt: bad " + what + " size " + bw + "x" + bh);
        }
        if (!d.has(offTag) || !d.has(countTag)) {
            throw new TiffFormatException("is corrupt: " + what + " offsets or byte counts are missing");
        }
        long planes = d.first(TiffDirectory.TAG_PLANAR_CONFIGURATION, 1) == 2 ? bands : 1;
        long blockBytes = bw * bh * bytesPerSample * (planes == 1 ? bands : 1);
        if (blockBytes > MAX_BLOCK_BYTES) {
            throw new TiffFormatException("has a " + what + " of " + bw + "x" + bh + " px that decodes to " + blockBytes
                    + " bytes, over the limit of " + MAX_BLOCK_BYTES + " bytes per " + what
                    + "; re-tile it, e.g. gdal_translate -co TILED=YES IN OUT");
        }
        long expected = ceilDiv(width, bw) * ceilDiv(height, bh) * planes;
        long declared = d.entries.get(offTag).count();
        if (declared < expected || d.entries.get(countTag).count() < expected) {
            throw new TiffFormatException("is corrupt: " + declared + " " + what + " offsets for "
                    + expected + " " + what + "s");
        }
        if (expected > MAX_CHECKED_BLOCKS) {
            return;
        }
        long[] offsets = d.longs(offTag);
        long[] counts = d.longs(countTag);
        for (int i = 0; i < expected; i++) {
            if (counts[i] == 0 && offsets[i] == 0) {
                continue;   // sparse block (GDAL SPARSE_OK): reads as nodata/zero
            }
            if (offsets[i] < 0 || counts[i] < 0 || offsets[i] + counts[i] > d.fileSize) {
                throw new TiffFormatException("is corrupt: " + what + " " + i + " data lies outside the file (offset "
                        + offsets[i] + " + " + counts[i] + " bytes > file size " + d.fileSize + ")");
            }
        }
    }

    private static OptionalDouble nodata(TiffDirectory d) throws IOException, TiffFormatException {
        String s = d.ascii(TiffDirectory.TAG_GDAL_NODATA);
        if (s == null || s.isBlank()) {
            return OptionalDouble.empty();
        }
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("nan") || t.equals("-nan")) {
            return OptionalDouble.of(Double.NaN);
        }
        try {
            return OptionalDouble.of(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new TiffFormatException("has an unreadable GDAL_NODATA value \"" + printable(s) + "\"");
        }
    }

    private static GeoTiffKeys geoKeys(TiffDirectory d) throws IOException, TiffFormatException {
        long[] dir = d.longs(TiffDirectory.TAG_GEO_KEY_DIRECTORY);
        if (dir == null || dir.length < 4 || dir.length < 4 + 4 * dir[3]) {
            return null;
        }
        int[] shorts = new int[dir.length];
        for (int i = 0; i < dir.length; i++) {
            shorts[i] = (int) dir[i];
        }
        return new GeoTiffKeys(shorts, d.doubles(TiffDirectory.TAG_GEO_DOUBLE_PARAMS),
                d.ascii(TiffDirectory.TAG_GEO_ASCII_PARAMS));
    }

    /** Text from a file, safe for a terminal: control characters (escape sequences) shown as \\uXXXX, at most 64 chars. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 64 ? b + "..." : b.toString();
    }

    private static String compressionName(int code) {
        return code == 1 ? "no compression" : code == 5 ? "LZW" : code == 32773 ? "PackBits" : "compression " + code;
    }

    /** The name of a compression Apache SIS cannot decode, or null; JPEG (7) and ZSTD are DecodedTiffImage's. */
    static String unsupportedCompression(int code) {
        switch (code) {
            case 1: case 5: case 8: case 32946: case 32773:
                return null;    // none, LZW, Deflate, PackBits: Apache SIS decodes these
            case 2: case 3: case 4: return "CCITT fax";
            case 6: return "old-style JPEG (TIFF 6.0 compression 6)";
            case DecodedTiffImage.COMPRESSION_JPEG: case DecodedTiffImage.COMPRESSION_ZSTD: return null;
            case 34712: return "JPEG 2000";
            case 34887: return "LERC";
            case 34925: return "LZMA";
            case 50001: return "WEBP";
            case 50002: return "JPEG XL";
            default: return "unknown (code " + code + ")";
        }
    }

    private static String sampleFormatName(int f) {
        return f == 1 ? "unsigned integer" : f == 2 ? "signed integer" : f == 3 ? "floating point" : "format " + f;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
