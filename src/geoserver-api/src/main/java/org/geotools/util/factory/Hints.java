package org.geotools.util.factory;

import java.awt.RenderingHints;

/** Stand-in: GeoTools 34.x {@code org.geotools.util.factory.Hints} (gt-metadata; only the type is used). */
public class Hints extends RenderingHints {
    public Hints() {
        super(null);
    }
}
