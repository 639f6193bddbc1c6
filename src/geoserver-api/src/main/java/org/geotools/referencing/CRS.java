package org.geotools.referencing;

import java.util.Objects;
import org.geotools.api.referencing.FactoryException;
import org.geotools.api.referencing.crs.CoordinateReferenceSystem;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.referencing.CRS} (gt-referencing), only
 * {@code parseWKT} and {@code equalsIgnoreMetadata}. The stand-in keeps the WKT text; two CRSs are
 * equal when their WKT is.
 */
public final class CRS {
    private CRS() {
    }

    public static CoordinateReferenceSystem parseWKT(String wkt) throws FactoryException {
        if (wkt == null || wkt.isBlank() || !wkt.contains("[")) {
            throw new FactoryException("not a WKT coordinate reference system: " + wkt);
        }
        return new WktCrs(wkt.trim());
    }

    public static boolean equalsIgnoreMetadata(Object object1, Object object2) {
        return Objects.equals(object1, object2);
    }

    private record WktCrs(String wkt) implements CoordinateReferenceSystem {
        WktCrs {
            Objects.requireNonNull(wkt);
        }

        @Override
        public String toWKT() {
            return wkt;
        }
    }
}
