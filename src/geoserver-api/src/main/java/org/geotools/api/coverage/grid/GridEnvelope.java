package org.geotools.api.coverage.grid;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.api.coverage.grid.GridEnvelope} (the per-dimension
 * members; {@code getLow()}/{@code getHigh()} returning GridCoordinates are left out).
 */
public interface GridEnvelope {
    int getDimension();

    int getLow(int dimension);

    int getHigh(int dimension);

    int getSpan(int dimension);
}
