package org.geotools.referencing.operation.transform;

import java.awt.geom.AffineTransform;
import org.geotools.api.referencing.operation.MathTransform2D;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.referencing.operation.transform.AffineTransform2D}
 * (gt-referencing). The real class extends {@code XAffineTransform extends AffineTransform}; code
 * that casts it to {@link AffineTransform} works with both.
 */
public class AffineTransform2D extends AffineTransform implements MathTransform2D {
    private static final long serialVersionUID = 1L;

    public AffineTransform2D(AffineTransform transform) {
        super(transform);
    }

    public AffineTransform2D(double m00, double m10, double m01, double m11, double m02, double m12) {
        super(m00, m10, m01, m11, m02, m12);
    }

    @Override
    public int getSourceDimensions() {
        return 2;
    }

    @Override
    public int getTargetDimensions() {
        return 2;
    }
}
