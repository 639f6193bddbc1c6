package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.AffineTransform;
import org.geotools.api.data.Query;
import org.geotools.api.parameter.GeneralParameterValue;
import org.geotools.api.parameter.ParameterValue;
import org.geotools.api.parameter.ParameterValueGroup;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.coverage.grid.GridCoverage2D;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.coverage.grid.io.AbstractGridFormat;
import org.geotools.coverage.grid.io.GridCoverage2DReader;
import org.geotools.coverage.processing.CoverageProcessor;
import org.geotools.filter.function.RenderingTransformation;
import org.geotools.geometry.jts.ReferencedEnvelope;
import org.geotools.referencing.operation.matrix.XAffineTransform;

/**
 * What GeoTools' renderer does with a rendering transformation on a raster layer, step by step as
 * in GeoTools 33.1 {@code RenderingTransformationHelper.readFromRaster} (gt-render is not in the
 * GeoTools bundle we can reach, so this mirrors it): cap the read at native resolution when the map
 * is finer, {@code invertGridGeometry}, {@code customizeReadParams}, set the read grid, read, crop
 * to the read grid's envelope, scale down only when the read is far finer than the map (ratio
 * below 0.7), evaluate.
 */
final class RendererRead {
    private RendererRead() {
    }

    /** What the transformation was given (the coverage GeoTools read) and what it returned. */
    record Rendered(GridCoverage2D input, GridCoverage2D output) {
    }

    static Rendered render(RenderingTransformation tx, GridCoverage2DReader reader, GridGeometry2D map)
            throws Exception {
        AffineTransform nativeAt = (AffineTransform) reader.getOriginalGridToWorld(PixelInCell.CELL_CORNER);
        AffineTransform mapAt = (AffineTransform) map.getGridToCRS2D();
        // updateGridGeometryToNativeResolution applies only to maps finer than native; the callers' maps are not
        assertFalse(XAffineTransform.getScale(mapAt) < XAffineTransform.getScale(nativeAt), "map finer than native");
        GridGeometry2D readGG = (GridGeometry2D) tx.invertGridGeometry(new Query(), map);
        ParameterValue<GridGeometry2D> gridParam = AbstractGridFormat.READ_GRIDGEOMETRY2D.createValue();
        GeneralParameterValue[] params = tx.customizeReadParams(reader, new GeneralParameterValue[] {gridParam});
        gridParam.setValue(readGG); // updateGridGeometryParam
        GridCoverage2D coverage = reader.read(params);
        ParameterValueGroup crop = CoverageProcessor.getInstance().getOperation("CoverageCrop").getParameters();
        crop.parameter("Source").setValue(coverage);
        crop.parameter("Envelope").setValue(new ReferencedEnvelope(readGG.getEnvelope()));
        coverage = (GridCoverage2D) CoverageProcessor.getInstance().doOperation(crop);
        AffineTransform readAt = (AffineTransform) readGG.getGridToCRS2D();
        assertTrue(readAt.getScaleX() / mapAt.getScaleX() >= 0.7, "GeoTools would rescale the input here");
        return new Rendered(coverage, (GridCoverage2D) tx.evaluate(coverage));
    }
}
