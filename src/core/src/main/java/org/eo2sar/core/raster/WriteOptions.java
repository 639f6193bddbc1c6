package org.eo2sar.core.raster;

import java.util.OptionalDouble;

/**
 * How {@link GeoTiffRasters#write} encodes a GeoTIFF.
 *
 * @param deflateLevel 1 (fastest) to 9 (smallest)
 * @param bigTiff      AUTO switches to BigTIFF when the uncompressed pixels could exceed 4 GB
 * @param nodata       the GDAL_NODATA value to declare; when empty, float images declare NaN and
 *                     integer images declare none
 * @param metadata     band descriptions, unit, scale/offset and provenance for GDAL_METADATA
 */
public record WriteOptions(int deflateLevel, BigTiff bigTiff, OptionalDouble nodata, GdalMetadata metadata) {
    /** Whether to write BigTIFF (64-bit offsets). */
    public enum BigTiff { AUTO, YES, NO }

    public WriteOptions {
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflate level must be 1..9, got " + deflateLevel);
        }
        bigTiff = bigTiff == null ? BigTiff.AUTO : bigTiff;
        nodata = nodata == null ? OptionalDouble.empty() : nodata;
        metadata = metadata == null ? GdalMetadata.NONE : metadata;
    }

    /** Deflate level 6, BigTIFF when needed, NaN nodata for float images. */
    public static WriteOptions defaults() {
        return new WriteOptions(6, BigTiff.AUTO, OptionalDouble.empty(), GdalMetadata.NONE);
    }

    public WriteOptions withDeflateLevel(int level) {
        return new WriteOptions(level, bigTiff, nodata, metadata);
    }

    public WriteOptions withBigTiff(BigTiff b) {
        return new WriteOptions(deflateLevel, b, nodata, metadata);
    }

    /** Declares {@code value} as nodata (e.g. 0 for uint8 display outputs). */
    public WriteOptions withNodata(double value) {
        return new WriteOptions(deflateLevel, bigTiff, OptionalDouble.of(value), metadata);
    }

    public WriteOptions withMetadata(GdalMetadata m) {
        return new WriteOptions(deflateLevel, bigTiff, nodata, m);
    }
}
