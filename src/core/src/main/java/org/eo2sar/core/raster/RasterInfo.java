package org.eo2sar.core.raster;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.List;
import java.util.OptionalInt;

/**
 * What a raster file is: size, bands, sample type, nodata and georeferencing.
 *
 * @param nodata    the GDAL_NODATA value of the file (applies to every band), if any
 * @param alphaBand the 0-based band the file marks as alpha (TIFF ExtraSamples), if any: its 0 is nodata
 * @param bandLabels per band its GDAL description, else its colour interpretation (Red, Green, Blue,
 *                  Gray, Alpha, Undefined); shown by {@code eo2sar info} to help choose {@code --bands}
 */
public record RasterInfo(Path path, int width, int height, int bandCount, RasterDataType dataType,
                         OptionalDouble nodata, Georeferencing georef, OptionalInt alphaBand, List<String> bandLabels) {
    public RasterInfo {
        bandLabels = List.copyOf(bandLabels);
        Objects.requireNonNull(alphaBand, "alphaBand");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(nodata, "nodata");
        Objects.requireNonNull(georef, "georef");
        if (width <= 0 || height <= 0 || bandCount <= 0) {
            throw new IllegalArgumentException("bad raster size " + width + "x" + height + "x" + bandCount);
        }
    }
}
