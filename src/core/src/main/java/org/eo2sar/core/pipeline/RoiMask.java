package org.eo2sar.core.pipeline;

import java.awt.Rectangle;
import org.locationtech.jts.algorithm.locate.IndexedPointInAreaLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

/** A pixel-space area of interest: which tiles touch it and which pixel centres lie inside. */
final class RoiMask {
    private final PreparedGeometry prepared;
    private final IndexedPointInAreaLocator locator;
    private final GeometryFactory factory;

    RoiMask(Geometry roi) {
        this.prepared = PreparedGeometryFactory.prepare(roi);
        this.locator = new IndexedPointInAreaLocator(roi);
        this.factory = roi.getFactory();
    }

    boolean intersects(Rectangle r) {
        return prepared.intersects(box(r));
    }

    /** True when every pixel centre of {@code r} is inside (cheap test before per-pixel work). */
    boolean covers(Rectangle r) {
        return prepared.covers(box(r));
    }

    boolean inside(int x, int y) {
        return locator.locate(new Coordinate(x + 0.5, y + 0.5)) != Location.EXTERIOR;
    }

    private Geometry box(Rectangle r) {
        return factory.toGeometry(new Envelope(r.x, r.x + r.width, r.y, r.y + r.height));
    }
}
