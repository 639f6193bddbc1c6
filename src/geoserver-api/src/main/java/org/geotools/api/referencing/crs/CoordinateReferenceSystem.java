package org.geotools.api.referencing.crs;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.api.referencing.crs.CoordinateReferenceSystem}. Only
 * {@code toWKT()} (inherited from {@code IdentifiedObject} in the real hierarchy) is declared.
 */
public interface CoordinateReferenceSystem {
    String toWKT();
}
