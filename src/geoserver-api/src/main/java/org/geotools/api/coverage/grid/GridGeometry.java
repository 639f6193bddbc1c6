package org.geotools.api.coverage.grid;

import org.geotools.api.referencing.operation.MathTransform;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.coverage.grid.GridGeometry} (all members). */
public interface GridGeometry {
    GridEnvelope getGridRange();

    MathTransform getGridToCRS();
}
