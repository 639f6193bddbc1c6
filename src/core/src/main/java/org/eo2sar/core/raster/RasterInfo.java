package org.eo2sar.core.raster;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What a raster file is: size, bands, sample type, nodata and georeferencing.
 *
 * @param nodata the GDAL_NODATA value of the file (applies to every band), if any
 */
public record RasterInfo(Path path, int width, int height, int bandCount, RasterDataType dataType,
                         OptionalDouble nodata, Georeferencing georef) {
    public RasterInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(nodata, "nodata");
        Objects.requireNonNull(georef, "georef");
        if (width <= 0 || height <= 0 || bandCount <= 0) {
            throw new IllegalArgumentException("bad raster size " + width + "x" + height + "x" + bandCount);
        }
    }
}
