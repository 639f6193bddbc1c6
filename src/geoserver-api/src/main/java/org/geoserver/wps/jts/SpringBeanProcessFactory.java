package org.geoserver.wps.jts;

/**
 * Stand-in: GeoServer 2.28.x {@code org.geoserver.wps.jts.SpringBeanProcessFactory} (gs-wps-core),
 * only the constructor used from {@code applicationContext.xml}. The real factory publishes every
 * Spring bean implementing {@code markerInterface} as a process in {@code namespace}.
 */
public class SpringBeanProcessFactory {
    private final String title;
    private final String namespace;
    private final Class<?> markerInterface;

    public SpringBeanProcessFactory(String title, String namespace, Class<?> markerInterface) {
        this.title = title;
        this.namespace = namespace;
        this.markerInterface = markerInterface;
    }

    @Override
    public String toString() {
        return "SpringBeanProcessFactory[" + title + ", " + namespace + ", " + markerInterface.getName() + "]";
    }
}
