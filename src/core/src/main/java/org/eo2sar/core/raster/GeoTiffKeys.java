package org.eo2sar.core.raster;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The raw GeoTIFF key tags of a file: GeoKeyDirectory (34735), GeoDoubleParams (34736) and
 * GeoAsciiParams (34737). Copied verbatim into outputs so that any CRS the input had (including
 * ones Apache SIS cannot decode or encode) round-trips exactly as GDAL sees it.
 *
 * @param directory    the GeoKeyDirectory shorts (header of 4, then 4 per key)
 * @param doubleParams GeoDoubleParams, possibly empty
 * @param asciiParams  GeoAsciiParams, possibly empty
 */
public record GeoTiffKeys(int[] directory, double[] doubleParams, String asciiParams) {
    /** GTModelTypeGeoKey: 1 projected, 2 geographic, 3 geocentric. */
    public static final int GT_MODEL_TYPE = 1024;
    /** GTRasterTypeGeoKey: 1 PixelIsArea, 2 PixelIsPoint. */
    public static final int GT_RASTER_TYPE = 1025;
    public static final int GEOGRAPHIC_TYPE = 2048;
    public static final int PROJECTED_CS_TYPE = 3072;
    private static final int USER_DEFINED = 32767;

    public GeoTiffKeys {
        Objects.requireNonNull(directory, "directory");
        if (directory.length < 4 || directory.length < 4 + 4 * directory[3]) {
            throw new IllegalArgumentException("GeoKeyDirectory too short: " + directory.length + " values");
        }
        directory = directory.clone();
        doubleParams = doubleParams == null ? new double[0] : doubleParams.clone();
        asciiParams = asciiParams == null ? "" : asciiParams;
    }

    @Override
    public int[] directory() {
        return directory.clone();
    }

    @Override
    public double[] doubleParams() {
        return doubleParams.clone();
    }

    /**
     * The keys GDAL writes for an EPSG-coded CRS: model type, PixelIsArea, and the projected or
     * geographic CRS code. We write these ourselves because Apache SIS encodes a (longitude, latitude)
     * EPSG:4326 as a user-defined CRS without its code.
     */
    public static GeoTiffKeys forEpsg(int epsg, boolean projected) {
        if (epsg <= 0 || epsg >= USER_DEFINED) {
            throw new IllegalArgumentException("not an EPSG code: " + epsg);
        }
        int[] d = {1, 1, 0, 3,
            GT_MODEL_TYPE, 0, 1, projected ? 1 : 2,
            GT_RASTER_TYPE, 0, 1, 1,
            projected ? PROJECTED_CS_TYPE : GEOGRAPHIC_TYPE, 0, 1, epsg};
        return new GeoTiffKeys(d, null, null);
    }

    /** A key whose value is stored inline (TIFFTagLocation 0), if present. */
    public OptionalInt shortKey(int keyId) {
        for (int i = 4; i + 3 < directory.length; i += 4) {
            if (directory[i] == keyId && directory[i + 1] == 0) {
                return OptionalInt.of(directory[i + 3]);
            }
        }
        return OptionalInt.empty();
    }

    /** The EPSG code of the horizontal CRS as GDAL reads it (projected or geographic type key), if coded. */
    public OptionalInt epsg() {
        OptionalInt model = shortKey(GT_MODEL_TYPE);
        OptionalInt code = model.isPresent() && model.getAsInt() == 2
                ? shortKey(GEOGRAPHIC_TYPE) : shortKey(PROJECTED_CS_TYPE);
        if (code.isEmpty() && model.isEmpty()) {
            code = shortKey(GEOGRAPHIC_TYPE);
        }
        if (code.isPresent() && code.getAsInt() > 0 && code.getAsInt() < USER_DEFINED) {
            return code;
        }
        return OptionalInt.empty();
    }

    /**
     * The same keys with GTRasterTypeGeoKey set to PixelIsArea: our outputs always store the
     * pixel-corner transform, so a PixelIsPoint input key would shift the output by half a pixel.
     */
    public GeoTiffKeys withPixelIsArea() {
        int[] d = directory.clone();
        for (int i = 4; i + 3 < d.length; i += 4) {
            if (d[i] == GT_RASTER_TYPE && d[i + 1] == 0) {
                d[i + 3] = 1;
            }
        }
        return new GeoTiffKeys(d, doubleParams, asciiParams);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeoTiffKeys k && Arrays.equals(directory, k.directory)
                && Arrays.equals(doubleParams, k.doubleParams) && asciiParams.equals(k.asciiParams);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(directory), Arrays.hashCode(doubleParams), asciiParams);
    }

    @Override
    public String toString() {
        return "GeoTiffKeys" + Arrays.toString(directory);
    }
}
