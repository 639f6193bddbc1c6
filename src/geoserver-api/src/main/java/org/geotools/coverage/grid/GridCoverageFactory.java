package org.geotools.coverage.grid;

import java.awt.image.RenderedImage;
import java.util.Map;
import org.geotools.api.coverage.grid.GridCoverage;
import org.geotools.coverage.GridSampleDimension;
import org.geotools.util.factory.Hints;

/** Stand-in: GeoTools 34.x {@code org.geotools.coverage.grid.GridCoverageFactory} (gt-coverage; one create method). */
public class GridCoverageFactory {
    private final Hints hints;

    public GridCoverageFactory() {
        this(null);
    }

    public GridCoverageFactory(Hints userHints) {
        this.hints = userHints;
    }

    public GridCoverage2D create(CharSequence name, RenderedImage image, GridGeometry2D gridGeometry,
                                 GridSampleDimension[] bands, GridCoverage[] sources, Map<?, ?> properties) {
        return new GridCoverage2D(name, image, gridGeometry, bands, sources, properties, hints);
    }
}
