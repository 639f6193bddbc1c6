package org.eo2sar.geoserver;

import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.pipeline.AreaOfInterest;
import org.geotools.api.metadata.spatial.PixelOrientation;
import org.geotools.coverage.grid.GridGeometry2D;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;

/**
 * Turns a region of interest given in the coverage CRS (as GeoServer's raster processes take it)
 * into the pixel coordinates the core expects: (0,0) is the upper-left corner of the image's
 * first pixel.
 */
final class PixelRoi {
    private PixelRoi() {
    }

    static Geometry toPixels(Geometry roi, GridGeometry2D grid) {
        if (roi.isEmpty() || roi.getDimension() != 2) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "roi must be a non-empty polygon in the coverage CRS, got "
                    + roi.getGeometryType());
        }
        if (!(grid.getGridToCRS2D(PixelOrientation.UPPER_LEFT) instanceof AffineTransform cornerToCrs)) {
            throw new Eo2SarException(Kind.INVALID_INPUT, "roi needs a coverage with an affine grid-to-CRS transform");
        }
        Rectangle range = grid.getGridRange2D();
        // grid coordinates include the grid range origin; the image's first pixel is (0,0) for the core
        AffineTransform imageToCrs = new AffineTransform(cornerToCrs);
        imageToCrs.translate(range.x, range.y);
        Geometry pixels = AreaOfInterest.toPixels(roi, imageToCrs);
        Envelope image = new Envelope(0, range.width, 0, range.height);
        if (!pixels.getEnvelopeInternal().intersects(image) || !pixels.intersects(pixels.getFactory().toGeometry(image))) {
            throw new Eo2SarException(Kind.INVALID_ARGUMENT, "roi " + roi.getEnvelopeInternal()
                    + " does not overlap the coverage (is it in the coverage CRS?)");
        }
        return pixels;
    }
}
