package org.eo2sar.geoserver;

import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.util.Locale;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.geotools.api.metadata.spatial.PixelOrientation;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.coverage.grid.GridEnvelope2D;
import org.geotools.coverage.grid.GridGeometry2D;

/**
 * The maths of the rendering transformation's read: which grid to read for a WMS tile, and when a
 * view is too coarse for the model.
 *
 * <p>GeoTools' renderer already caps the read grid at the layer's native resolution before it asks
 * us (RenderingTransformationHelper: "don't read more than the native resolution"), aligning it on
 * the native pixel grid. We keep that resolution and grow the grid by the model's margin on every
 * side, so tiles at the map edge see the same context as tiles inside it.
 */
final class NativeResolutionRead {
    private NativeResolutionRead() {
    }

    /**
     * {@code read} grown by {@code margin} pixels on each side and then out to multiples of
     * {@code multiple} (the model's {@code eo2sar.tile.multiple}), same resolution and CRS. The
     * snapping matters: a generator with stride-2 downsamplings gives different results for inputs
     * shifted by a non-multiple of its total stride, so every map tile must start on the same phase
     * of the native grid to agree with its neighbours and with a whole-raster translation.
     */
    static GridGeometry2D withMargin(GridGeometry2D read, int margin, int multiple) {
        int m = Math.max(1, multiple);
        Rectangle r = read.getGridRange2D();
        int x0 = Math.floorDiv(r.x - margin, m) * m;
        int y0 = Math.floorDiv(r.y - margin, m) * m;
        int x1 = -Math.floorDiv(-(r.x + r.width + margin), m) * m;
        int y1 = -Math.floorDiv(-(r.y + r.height + margin), m) * m;
        if (x0 == r.x && y0 == r.y && x1 == r.x + r.width && y1 == r.y + r.height) {
            return read;
        }
        return new GridGeometry2D(new GridEnvelope2D(x0, y0, x1 - x0, y1 - y0), PixelInCell.CELL_CORNER,
                read.getGridToCRS2D(PixelOrientation.UPPER_LEFT), read.getCoordinateReferenceSystem(), null);
    }

    /** Side of a pixel in CRS units (square root of the affine determinant); NaN when not affine. */
    static double pixelSize(Object gridToCrs) {
        if (gridToCrs instanceof AffineTransform at) {
            return Math.sqrt(Math.abs(at.getDeterminant()));
        }
        return Double.NaN;
    }

    /** Whether a view's pixels are larger than native ones by more than floating-point noise. */
    static boolean isCoarser(double viewPixel, double nativePixel) {
        return viewPixel > nativePixel * (1 + 1e-6);
    }

    /**
     * Refuses a view whose pixels are more than {@code maxCoarsening} times larger than the data's:
     * the model would see a resolution it was never trained on, and the request would still cost
     * a full translation. Unknown sizes (NaN) pass.
     */
    static void checkCoarsening(double viewPixel, double nativePixel, double maxCoarsening) {
        if (!(viewPixel > 0) || !(nativePixel > 0)) {
            return;
        }
        double ratio = viewPixel / nativePixel;
        if (ratio > maxCoarsening) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, String.format(Locale.ROOT,
                    "view resolution %.6g per pixel is %.1fx coarser than the data's native %.6g (limit %.1fx, setting "
                            + "%s); zoom in, or add a MaxScaleDenominator to the SLD rule",
                    viewPixel, ratio, nativePixel, maxCoarsening, PluginSettings.MAX_COARSENING));
        }
    }
}
