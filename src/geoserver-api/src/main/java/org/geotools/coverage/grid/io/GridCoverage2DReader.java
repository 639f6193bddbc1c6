package org.geotools.coverage.grid.io;

import org.geotools.api.coverage.grid.GridCoverageReader;
import org.geotools.api.referencing.crs.CoordinateReferenceSystem;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.api.referencing.operation.MathTransform;

/** Stand-in: GeoTools 34.x {@code org.geotools.coverage.grid.io.GridCoverage2DReader} (gt-coverage; two members). */
public interface GridCoverage2DReader extends GridCoverageReader {
    CoordinateReferenceSystem getCoordinateReferenceSystem();

    MathTransform getOriginalGridToWorld(PixelInCell pixInCell);
}
