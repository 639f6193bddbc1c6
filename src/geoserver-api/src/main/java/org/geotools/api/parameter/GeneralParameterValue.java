package org.geotools.api.parameter;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.parameter.GeneralParameterValue} (no members used here). */
public interface GeneralParameterValue {
}
