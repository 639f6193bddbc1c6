package org.eo2sar.core.raster;

import java.util.OptionalDouble;

/**
 * How {@link GeoTiffRasters#write} encodes a GeoTIFF.
 *
 * @param compression  the codec of the pixel blocks (the tiled layout writes Deflate only)
 * @param deflateLevel 1 (fastest) to 9 (smallest), for Deflate
 * @param bigTiff      AUTO switches to BigTIFF when the uncompressed pixels could exceed 4 GB
 * @param nodata       the GDAL_NODATA value to declare; when empty, float images declare NaN and
 *                     integer images declare none
 * @param metadata     band descriptions, unit, scale/offset and provenance for GDAL_METADATA
 * @param layout       a plain tiled GeoTIFF (any sample type) or a Cloud Optimized GeoTIFF with overviews
 *                     (float32 dB or uint8 display codes only)
 */
public record WriteOptions(Compression compression, int deflateLevel, BigTiff bigTiff, OptionalDouble nodata,
                           GdalMetadata metadata, Layout layout) {
    /** The block codec, with its TIFF compression code. */
    public enum Compression {
        /** zlib Deflate (TIFF 8): read by every GeoTIFF reader, Apache SIS and so eo2sar included. */
        DEFLATE(8),
        /** Zstandard (TIFF 50000; pure-Java encoder): GDAL 2.3+, QGIS read it; eo2sar and Apache SIS do not. */
        ZSTD(50000),
        /** Uncompressed (TIFF 1): the largest files, no codec cost. */
        NONE(1);

        final int tiffCode;

        Compression(int tiffCode) {
            this.tiffCode = tiffCode;
        }
    }

    /** Whether to write BigTIFF (64-bit offsets). */
    public enum BigTiff { AUTO, YES, NO }

    /** How the file is organised. */
    public enum Layout {
        /** Tiled GeoTIFF as Apache SIS writes it (image directory after the pixels, no overviews). */
        TILED,
        /**
         * Cloud Optimized GeoTIFF: directories first, internal overviews averaged in linear power
         * (the samples are dB, uint8 codes through their scale/offset), blocks of {@value CogWriter#BLOCK} px.
         */
        COG
    }

    public WriteOptions {
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflate level must be 1..9, got " + deflateLevel);
        }
        bigTiff = bigTiff == null ? BigTiff.AUTO : bigTiff;
        nodata = nodata == null ? OptionalDouble.empty() : nodata;
        metadata = metadata == null ? GdalMetadata.NONE : metadata;
        layout = layout == null ? Layout.TILED : layout;
        compression = compression == null ? Compression.DEFLATE : compression;
        if (layout == Layout.TILED && compression != Compression.DEFLATE) {
            throw new IllegalArgumentException("the tiled layout is written with Deflate only; " + compression
                    + " needs the COG layout");
        }
    }

    /** Deflate level 6, BigTIFF when needed, NaN nodata for float images, tiled layout. */
    public static WriteOptions defaults() {
        return new WriteOptions(Compression.DEFLATE, 6, BigTiff.AUTO, OptionalDouble.empty(), GdalMetadata.NONE, Layout.TILED);
    }

    public WriteOptions withCompression(Compression c) {
        return new WriteOptions(c, deflateLevel, bigTiff, nodata, metadata, layout);
    }

    public WriteOptions withDeflateLevel(int level) {
        return new WriteOptions(compression, level, bigTiff, nodata, metadata, layout);
    }

    public WriteOptions withBigTiff(BigTiff b) {
        return new WriteOptions(compression, deflateLevel, b, nodata, metadata, layout);
    }

    /** Declares {@code value} as nodata (e.g. 0 for uint8 display outputs). */
    public WriteOptions withNodata(double value) {
        return new WriteOptions(compression, deflateLevel, bigTiff, OptionalDouble.of(value), metadata, layout);
    }

    public WriteOptions withMetadata(GdalMetadata m) {
        return new WriteOptions(compression, deflateLevel, bigTiff, nodata, m, layout);
    }

    public WriteOptions withLayout(Layout l) {
        return new WriteOptions(compression, deflateLevel, bigTiff, nodata, metadata, l);
    }
}
