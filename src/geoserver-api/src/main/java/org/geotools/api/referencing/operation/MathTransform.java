package org.geotools.api.referencing.operation;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.referencing.operation.MathTransform} (dimensions only). */
public interface MathTransform {
    int getSourceDimensions();

    int getTargetDimensions();
}
