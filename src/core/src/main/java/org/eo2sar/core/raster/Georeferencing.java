package org.eo2sar.core.raster;

import java.awt.geom.AffineTransform;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.sis.coverage.grid.GridExtent;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.coverage.grid.PixelInCell;
import org.apache.sis.io.wkt.Convention;
import org.apache.sis.io.wkt.WKTFormat;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.IdentifiedObjects;
import org.apache.sis.referencing.crs.AbstractCRS;
import org.apache.sis.referencing.cs.AxesConvention;
import org.apache.sis.referencing.factory.IdentifiedObjectFinder;
import org.apache.sis.referencing.operation.matrix.Matrices;
import org.apache.sis.referencing.operation.transform.MathTransforms;
import org.eo2sar.core.Eo2SarException;
import org.opengis.referencing.IdentifiedObject;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.crs.ProjectedCRS;
import org.opengis.util.FactoryException;

/**
 * Where a raster's pixels are on Earth: the grid-to-CRS affine transform and the CRS.
 *
 * @param gridToCrs   maps (column, row) of a pixel's upper-left <em>corner</em> to (x, y) in the
 *                    CRS, x being easting/longitude (the GDAL geotransform convention)
 * @param crsWkt      the CRS as WKT 1 (WKT 2 when WKT 1 cannot express it); informative, the
 *                    {@code crs} object is authoritative
 * @param epsg        the EPSG code of the CRS when known (from the file's GeoKeys or a lookup)
 * @param crs         the CRS as an Apache SIS object, with (easting, northing) axis order; never null
 * @param geoTiffKeys the raw GeoKeys of the source file (or, for synthetic georeferencing with an EPSG
 *                    code, GDAL-style keys naming that code); copied verbatim into written outputs.
 *                    {@code null} only for a CRS without EPSG code made in memory: SIS then encodes it
 */
public record Georeferencing(AffineTransform gridToCrs, String crsWkt, OptionalInt epsg,
                             CoordinateReferenceSystem crs, GeoTiffKeys geoTiffKeys) {

    public Georeferencing {
        Objects.requireNonNull(gridToCrs, "gridToCrs");
        Objects.requireNonNull(crs, "crs");
        Objects.requireNonNull(epsg, "epsg");
        if (crs.getCoordinateSystem().getDimension() != 2) {
            throw new IllegalArgumentException("CRS must be two-dimensional: " + crs.getName());
        }
        gridToCrs = new AffineTransform(gridToCrs);
        crsWkt = crsWkt == null ? wkt(crs) : crsWkt;
    }

    /** A copy: {@link AffineTransform} is mutable. */
    @Override
    public AffineTransform gridToCrs() {
        return new AffineTransform(gridToCrs);
    }

    /**
     * Synthetic georeferencing for an EPSG-coded CRS (tests, generated scenes).
     *
     * @throws Eo2SarException INVALID_ARGUMENT if Apache SIS does not know the code (it ships without
     *         the EPSG database, so e.g. EPSG:2154 and EPSG:3035 are unknown)
     */
    public static Georeferencing of(AffineTransform gridToCrs, int epsg) {
        CoordinateReferenceSystem crs;
        try {
            crs = CRS.forCode("EPSG:" + epsg);
        } catch (FactoryException | RuntimeException e) {
            throw new Eo2SarException(Eo2SarException.Kind.INVALID_ARGUMENT,
                    "EPSG:" + epsg + " is not known to Apache SIS (no EPSG database installed): " + e.getMessage(), e);
        }
        crs = AbstractCRS.castOrCopy(crs).forConvention(AxesConvention.RIGHT_HANDED);
        return new Georeferencing(gridToCrs, null, OptionalInt.of(epsg), crs, keysFor(epsg, crs));
    }

    /** Georeferencing for any two-dimensional CRS whose axes are (easting, northing); the EPSG code is looked up. */
    public static Georeferencing of(AffineTransform gridToCrs, CoordinateReferenceSystem crs) {
        OptionalInt epsg = lookupEpsg(crs);
        return new Georeferencing(gridToCrs, null, epsg, crs, epsg.isPresent() ? keysFor(epsg.getAsInt(), crs) : null);
    }

    /** GDAL-style GeoKeys naming the EPSG code, or null for CRS kinds GeoTIFF codes otherwise. */
    private static GeoTiffKeys keysFor(int epsg, CoordinateReferenceSystem crs) {
        if (crs instanceof ProjectedCRS) {
            return GeoTiffKeys.forEpsg(epsg, true);
        } else if (crs instanceof GeographicCRS) {
            return GeoTiffKeys.forEpsg(epsg, false);
        }
        return null;
    }

    /** Pixel width in CRS units (length of the column vector). */
    public double pixelSizeX() {
        return Math.hypot(gridToCrs.getScaleX(), gridToCrs.getShearY());
    }

    /** Pixel height in CRS units, positive (length of the row vector). */
    public double pixelSizeY() {
        return Math.hypot(gridToCrs.getShearX(), gridToCrs.getScaleY());
    }

    /** "EPSG:32618", or the CRS name when there is no EPSG code. */
    public String crsLabel() {
        return epsg.isPresent() ? "EPSG:" + epsg.getAsInt() : crs.getName().getCode();
    }

    /** The Apache SIS grid geometry of a {@code width} x {@code height} raster on this georeferencing. */
    public GridGeometry gridGeometry(int width, int height) {
        return gridGeometry(width, height, true);
    }

    /** Same, optionally without the CRS (used when raw GeoKeys will be written instead). */
    GridGeometry gridGeometry(int width, int height, boolean withCrs) {
        double[] m = new double[6];
        gridToCrs.getMatrix(m);
        var matrix = Matrices.create(3, 3, new double[] {m[0], m[2], m[4], m[1], m[3], m[5], 0, 0, 1});
        return new GridGeometry(new GridExtent(width, height), PixelInCell.CELL_CORNER,
                MathTransforms.linear(matrix), withCrs ? crs : null);
    }

    static OptionalInt lookupEpsg(CoordinateReferenceSystem crs) {
        try {
            Integer code = IdentifiedObjects.lookupEPSG(crs);
            if (code == null) {
                // GeoTIFF CRSs have (lon, lat) axes while EPSG:4326 is (lat, lon): search ignoring axis order.
                IdentifiedObjectFinder finder = IdentifiedObjects.newFinder("EPSG");
                finder.setIgnoringAxes(true);
                IdentifiedObject found = finder.findSingleton(crs);
                if (found != null) {
                    code = IdentifiedObjects.lookupEPSG(found);
                }
            }
            return code == null ? OptionalInt.empty() : OptionalInt.of(code);
        } catch (FactoryException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * WKT 1 (GDAL's "common units" flavour), which GeoTools and older GIS tools parse; WKT 2 when WKT 1
     * cannot be produced. SIS's warnings about non-standard parameter names are accepted: GDAL writes
     * the same names.
     */
    static String wkt(CoordinateReferenceSystem crs) {
        try {
            var format = new WKTFormat();
            format.setConvention(Convention.WKT1_COMMON_UNITS);
            return format.format(crs);
        } catch (RuntimeException e) {
            // fall through to WKT 2
        }
        try {
            return crs.toWKT();
        } catch (RuntimeException e) {
            return crs.toString();
        }
    }
}
