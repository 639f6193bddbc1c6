package org.eo2sar.geoserver;

import java.awt.Point;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;
import java.awt.image.BandedSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eo2sar.core.Eo2SarException;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.pipeline.OutputType;
import org.geotools.api.metadata.spatial.PixelOrientation;
import org.geotools.api.parameter.GeneralParameterValue;
import org.geotools.api.parameter.ParameterValue;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.coverage.grid.GridEnvelope2D;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.coverage.grid.io.AbstractGridFormat;
import org.geotools.coverage.grid.io.GridCoverage2DReader;
import org.geotools.geometry.jts.ReferencedEnvelope;
import org.geotools.referencing.operation.transform.AffineTransform2D;

/**
 * A map view coarser than the layer's data (up to {@code maxCoarsening}): GeoTools' renderer then
 * hands the rendering transformation a coverage read at the view's resolution, so the model would
 * see pixels it was never trained on, on a stride phase set by the map. Instead we read the same
 * area again at native resolution, on the native grid's stride phase, translate that, and average
 * the result down to the view's grid in linear power (NaN-aware), like the overviews of a COG. A
 * zoomed-out map then shows the native translation, averaged, whatever the zoom.
 *
 * <p>The pixel budget: the native read is at most {@code maxCoarsening}² times the view's pixels
 * (coarser views are refused before this), and {@code maxPixels} still applies to it.
 */
final class CoarseView {
    private final GridCoverage2DReader reader;
    private final GeneralParameterValue[] params;
    private final AffineTransform nativeGridToWorld;

    /**
     * @param params the layer's read parameters (copied: GeoTools overwrites the originals' read grid
     *               after {@code customizeReadParams})
     */
    CoarseView(GridCoverage2DReader reader, GeneralParameterValue[] params, AffineTransform nativeGridToWorld) {
        this.reader = reader;
        this.params = copy(params);
        this.nativeGridToWorld = new AffineTransform(nativeGridToWorld);
    }

    /** True when {@code view}'s pixels are coarser than native ones by more than rounding. */
    boolean isCoarser(GridCoverage2D view) {
        return NativeResolutionRead.isCoarser(
                NativeResolutionRead.pixelSize(view.getGridGeometry().getGridToCRS2D(PixelOrientation.UPPER_LEFT)),
                NativeResolutionRead.pixelSize(nativeGridToWorld));
    }

    /**
     * The native-resolution coverage over {@code view}'s area, its pixel window widened out to
     * multiples of {@code multiple} on the native grid (the same stride phase as every other read).
     * No extra margin: the view already carries the model margin in coarse pixels, which is more.
     */
    GridCoverage2D readNative(GridCoverage2D view, int multiple) {
        ReferencedEnvelope area = view.getEnvelope2D();
        double[] corners = {area.getMinX(), area.getMinY(), area.getMaxX(), area.getMinY(),
                area.getMinX(), area.getMaxY(), area.getMaxX(), area.getMaxY()};
        try {
            nativeGridToWorld.inverseTransform(corners, 0, corners, 0, 4);
        } catch (NoninvertibleTransformException e) {
            throw new Eo2SarException(Kind.INVALID_INPUT, "the layer's grid-to-world transform is not invertible", e);
        }
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 8; i += 2) {
            minX = Math.min(minX, corners[i]);
            maxX = Math.max(maxX, corners[i]);
            minY = Math.min(minY, corners[i + 1]);
            maxY = Math.max(maxY, corners[i + 1]);
        }
        int m = Math.max(1, multiple);
        // 1e-6 px tolerance: corners on the native grid stay on it despite floating-point noise
        int x0 = Math.floorDiv((int) Math.floor(minX + 1e-6), m) * m;
        int y0 = Math.floorDiv((int) Math.floor(minY + 1e-6), m) * m;
        int x1 = -Math.floorDiv(-(int) Math.ceil(maxX - 1e-6), m) * m;
        int y1 = -Math.floorDiv(-(int) Math.ceil(maxY - 1e-6), m) * m;
        GridGeometry2D grid = new GridGeometry2D(new GridEnvelope2D(x0, y0, x1 - x0, y1 - y0), PixelInCell.CELL_CORNER,
                new AffineTransform2D(nativeGridToWorld),
                view.getCoordinateReferenceSystem(), null);
        GeneralParameterValue[] read = withReadGrid(grid);
        GridCoverage2D coverage;
        try {
            coverage = reader.read(read);
        } catch (IOException e) {
            throw new Eo2SarException(Kind.IO, "reading the layer at native resolution failed: " + e.getMessage(), e);
        }
        if (coverage == null) {
            throw new Eo2SarException(Kind.INVALID_INPUT, "the layer has no data at native resolution in this view");
        }
        return coverage;
    }

    /** Our copy of the read parameters with the read grid set to {@code grid} (added when absent). */
    private GeneralParameterValue[] withReadGrid(GridGeometry2D grid) {
        List<GeneralParameterValue> read = new ArrayList<>();
        boolean set = false;
        for (GeneralParameterValue p : copy(params)) {
            if (p instanceof ParameterValue<?> v
                    && v.getDescriptor().getName().equals(AbstractGridFormat.READ_GRIDGEOMETRY2D.getName())) {
                v.setValue(grid);
                set = true;
            }
            read.add(p);
        }
        if (!set) {
            ParameterValue<GridGeometry2D> v = AbstractGridFormat.READ_GRIDGEOMETRY2D.createValue();
            v.setValue(grid);
            read.add(v);
        }
        return read.toArray(GeneralParameterValue[]::new);
    }

    private static GeneralParameterValue[] copy(GeneralParameterValue[] params) {
        if (params == null) {
            return new GeneralParameterValue[0];
        }
        GeneralParameterValue[] out = new GeneralParameterValue[params.length];
        for (int i = 0; i < params.length; i++) {
            out[i] = params[i].clone();
        }
        return out;
    }

    /**
     * {@code fine} (float dB, NaN = nodata, on {@code fineGridToWorld}) averaged onto a coarse grid
     * of {@code width}×{@code height} pixels starting at ({@code minX}, {@code minY}): each coarse
     * pixel is the mean in linear power of the fine pixels whose centres fall inside it, NaN where
     * none is valid. The result has {@code type}'s samples (uint8 through {@link OutputType#toUint8}).
     */
    static WritableRaster averageDown(Raster fine, AffineTransform fineGridToWorld, AffineTransform coarseGridToWorld,
                                      int minX, int minY, int width, int height, OutputType type) {
        AffineTransform coarseToFine;
        try {
            coarseToFine = fineGridToWorld.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new Eo2SarException(Kind.INVALID_INPUT, "the native grid-to-world transform is not invertible", e);
        }
        coarseToFine.concatenate(coarseGridToWorld);
        int bands = fine.getNumBands();
        int dataType = type == OutputType.UINT8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_FLOAT;
        WritableRaster out = Raster.createWritableRaster(new BandedSampleModel(dataType, width, height, bands),
                new Point(minX, minY));
        int fx0 = fine.getMinX(), fy0 = fine.getMinY(), fx1 = fx0 + fine.getWidth(), fy1 = fy0 + fine.getHeight();
        float[] row = new float[fine.getWidth()];
        Point2D a = new Point2D.Double(), b = new Point2D.Double();
        for (int j = 0; j < height; j++) {
            for (int i = 0; i < width; i++) {
                // fine pixels whose centre c satisfies lo <= c < hi, i.e. index in [ceil(lo - .5), ceil(hi - .5))
                coarseToFine.transform(new Point2D.Double(minX + i, minY + j), a);
                coarseToFine.transform(new Point2D.Double(minX + i + 1, minY + j + 1), b);
                int xs = Math.max(fx0, (int) Math.ceil(Math.min(a.getX(), b.getX()) - 0.5));
                int xe = Math.min(fx1, (int) Math.ceil(Math.max(a.getX(), b.getX()) - 0.5));
                int ys = Math.max(fy0, (int) Math.ceil(Math.min(a.getY(), b.getY()) - 0.5));
                int ye = Math.min(fy1, (int) Math.ceil(Math.max(a.getY(), b.getY()) - 0.5));
                for (int band = 0; band < bands; band++) {
                    double sum = 0;
                    int n = 0;
                    for (int y = ys; y < ye && xs < xe; y++) {
                        fine.getSamples(xs, y, xe - xs, 1, band, row);
                        for (int k = 0; k < xe - xs; k++) {
                            if (!Float.isNaN(row[k])) {
                                sum += Math.pow(10, row[k] / 10.0);
                                n++;
                            }
                        }
                    }
                    float db = n == 0 ? Float.NaN : (float) (10 * Math.log10(sum / n));
                    if (type == OutputType.UINT8) {
                        out.setSample(minX + i, minY + j, band, OutputType.toUint8(db));
                    } else {
                        out.setSample(minX + i, minY + j, band, db);
                    }
                }
            }
        }
        return out;
    }
}
