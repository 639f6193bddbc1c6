package org.geotools.coverage.grid;

import java.awt.Rectangle;
import java.awt.image.RenderedImage;
import java.util.Map;
import org.geotools.api.coverage.grid.GridCoverage;
import org.geotools.api.referencing.crs.CoordinateReferenceSystem;
import org.geotools.coverage.GridSampleDimension;
import org.geotools.util.factory.Hints;

/**
 * Stand-in: GeoTools 34.x {@code org.geotools.coverage.grid.GridCoverage2D} (gt-coverage): a
 * rendered image on a grid geometry with one sample dimension per band. Like the real class it
 * rejects an image whose bounds differ from the grid range. The real constructor takes an ImageN
 * {@code PlanarImage}; coverages are made with {@link GridCoverageFactory} in both cases.
 */
public class GridCoverage2D implements GridCoverage {
    private final String name;
    private final RenderedImage image;
    private final GridGeometry2D gridGeometry;
    private final GridSampleDimension[] sampleDimensions;

    protected GridCoverage2D(CharSequence name, RenderedImage image, GridGeometry2D gridGeometry,
                             GridSampleDimension[] bands, GridCoverage[] sources, Map<?, ?> properties, Hints hints) {
        this.name = String.valueOf(name);
        this.image = image;
        this.gridGeometry = gridGeometry;
        Rectangle bounds = new Rectangle(image.getMinX(), image.getMinY(), image.getWidth(), image.getHeight());
        if (!bounds.equals(gridGeometry.getGridRange2D())) {
            throw new IllegalArgumentException("image bounds " + bounds + " differ from grid range "
                    + gridGeometry.getGridRange2D());
        }
        int n = image.getSampleModel().getNumBands();
        if (bands != null && bands.length != n) {
            throw new IllegalArgumentException(bands.length + " sample dimensions for an image of " + n + " bands");
        }
        sampleDimensions = new GridSampleDimension[n];
        for (int b = 0; b < n; b++) {
            sampleDimensions[b] = bands != null ? bands[b] : new GridSampleDimension("band" + (b + 1));
        }
    }

    @Override
    public GridGeometry2D getGridGeometry() {
        return gridGeometry;
    }

    @Override
    public RenderedImage getRenderedImage() {
        return image;
    }

    public CoordinateReferenceSystem getCoordinateReferenceSystem() {
        return gridGeometry.getCoordinateReferenceSystem();
    }

    public int getNumSampleDimensions() {
        return sampleDimensions.length;
    }

    public GridSampleDimension getSampleDimension(int index) {
        return sampleDimensions[index];
    }

    public GridSampleDimension[] getSampleDimensions() {
        return sampleDimensions.clone();
    }

    public boolean dispose(boolean force) {
        return true;
    }

    @Override
    public String toString() {
        return "GridCoverage2D[" + name + ", " + gridGeometry + "]";
    }
}
