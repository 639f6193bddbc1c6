package org.geotools.api.coverage.grid;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.coverage.grid.GridCoverageReader} (no members used here). */
public interface GridCoverageReader {
}
