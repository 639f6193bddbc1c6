package org.geotools.coverage.grid;

import java.awt.geom.AffineTransform;
import java.util.Objects;
import org.geotools.api.coverage.grid.GridEnvelope;
import org.geotools.api.coverage.grid.GridGeometry;
import org.geotools.api.metadata.spatial.PixelOrientation;
import org.geotools.api.referencing.crs.CoordinateReferenceSystem;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.api.referencing.operation.MathTransform;
import org.geotools.api.referencing.operation.MathTransform2D;
import org.geotools.referencing.operation.transform.AffineTransform2D;
import org.geotools.util.factory.Hints;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.coverage.grid.GridGeometry2D} (gt-coverage), for
 * affine 2-D grids only. As in GeoTools, the anchor-less constructor and the anchor-less getters
 * use the pixel <em>centre</em> convention.
 */
public class GridGeometry2D implements GridGeometry {
    private final GridEnvelope2D gridRange;
    private final AffineTransform cornerToCrs;
    private final CoordinateReferenceSystem crs;

    public GridGeometry2D(GridEnvelope gridRange, MathTransform gridToCRS, CoordinateReferenceSystem crs) {
        this(gridRange, PixelInCell.CELL_CENTER, gridToCRS, crs, null);
    }

    public GridGeometry2D(GridEnvelope gridRange, PixelInCell anchor, MathTransform gridToCRS,
                          CoordinateReferenceSystem crs, Hints hints) {
        if (!(gridToCRS instanceof AffineTransform at)) {
            throw new IllegalArgumentException("stand-in GridGeometry2D supports affine grid-to-CRS transforms only");
        }
        this.gridRange = new GridEnvelope2D(gridRange.getLow(0), gridRange.getLow(1),
                gridRange.getSpan(0), gridRange.getSpan(1));
        AffineTransform corner = new AffineTransform(at);
        if (PixelInCell.CELL_CENTER.equals(anchor)) {
            corner.translate(-0.5, -0.5);
        }
        this.cornerToCrs = corner;
        this.crs = crs;
    }

    @Override
    public GridEnvelope getGridRange() {
        return getGridRange2D();
    }

    public GridEnvelope2D getGridRange2D() {
        return gridRange.clone();
    }

    @Override
    public MathTransform getGridToCRS() {
        return getGridToCRS2D();
    }

    public MathTransform getGridToCRS(PixelInCell anchor) {
        return PixelInCell.CELL_CORNER.equals(anchor) ? getGridToCRS2D(PixelOrientation.UPPER_LEFT) : getGridToCRS2D();
    }

    public MathTransform2D getGridToCRS2D() {
        return getGridToCRS2D(PixelOrientation.CENTER);
    }

    public MathTransform2D getGridToCRS2D(PixelOrientation orientation) {
        AffineTransform2D t = new AffineTransform2D(cornerToCrs);
        switch (orientation.name()) {
            case "UPPER_LEFT" -> { }
            case "CENTER" -> t.translate(0.5, 0.5);
            case "UPPER_RIGHT" -> t.translate(1, 0);
            case "LOWER_LEFT" -> t.translate(0, 1);
            case "LOWER_RIGHT" -> t.translate(1, 1);
            default -> throw new IllegalArgumentException(orientation.toString());
        }
        return t;
    }

    public CoordinateReferenceSystem getCoordinateReferenceSystem() {
        return crs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GridGeometry2D g && gridRange.equals(g.gridRange) && cornerToCrs.equals(g.cornerToCrs)
                && Objects.equals(crs, g.crs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(gridRange, cornerToCrs, crs);
    }

    @Override
    public String toString() {
        return "GridGeometry2D[" + gridRange + ", " + cornerToCrs + "]";
    }
}
