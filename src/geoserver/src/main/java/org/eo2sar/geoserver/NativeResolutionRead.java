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

    /** {@code read} grown by {@code margin} pixels on each side, same resolution, origin and CRS. */
    static GridGeometry2D withMargin(GridGeometry2D read, int margin) {
        if (margin <= 0) {
            return read;
        }
        Rectangle r = read.getGridRange2D();
        GridEnvelope2D grown = new GridEnvelope2D(r.x - margin, r.y - margin, r.width + 2 * margin, r.height + 2 * margin);
        return new GridGeometry2D(grown, PixelInCell.CELL_CORNER, read.getGridToCRS2D(PixelOrientation.UPPER_LEFT),
                read.getCoordinateReferenceSystem(), null);
    }

    /** Side of a pixel in CRS units (square root of the affine determinant); NaN when not affine. */
    static double pixelSize(Object gridToCrs) {
        if (gridToCrs instanceof AffineTransform at) {
            return Math.sqrt(Math.abs(at.getDeterminant()));
        }
        return Double.NaN;
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
