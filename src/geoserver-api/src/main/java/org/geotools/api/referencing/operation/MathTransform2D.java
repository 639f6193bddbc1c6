package org.geotools.api.referencing.operation;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.referencing.operation.MathTransform2D}. */
public interface MathTransform2D extends MathTransform {
}
