package org.geotools.api.coverage.grid;

import java.awt.image.RenderedImage;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.coverage.grid.GridCoverage} (members used here only). */
public interface GridCoverage {
    GridGeometry getGridGeometry();

    RenderedImage getRenderedImage();
}
