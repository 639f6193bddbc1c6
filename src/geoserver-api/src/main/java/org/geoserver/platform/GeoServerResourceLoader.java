package org.geoserver.platform;

import java.io.File;

/**
 * Stand-in: GeoServer 2.28.x {@code org.geoserver.platform.GeoServerResourceLoader} (gs-platform;
 * the Spring bean {@code resourceLoader}), only the data directory accessors.
 */
public class GeoServerResourceLoader {
    private File baseDirectory;

    public GeoServerResourceLoader() {
    }

    public GeoServerResourceLoader(File baseDirectory) {
        this.baseDirectory = baseDirectory;
    }

    public File getBaseDirectory() {
        return baseDirectory;
    }

    public void setBaseDirectory(File baseDirectory) {
        this.baseDirectory = baseDirectory;
    }
}
