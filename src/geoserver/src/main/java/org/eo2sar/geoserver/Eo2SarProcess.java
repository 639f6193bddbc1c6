package org.eo2sar.geoserver;

/**
 * Marker of our WPS processes. GeoServer's {@code SpringBeanProcessFactory} (declared in
 * {@code applicationContext.xml}) publishes every Spring bean implementing it in the {@code eo2sar}
 * namespace, named after its class without the {@code Process} suffix ({@code eo2sar:Translate}).
 * It deliberately does not extend GeoServer's {@code GeoServerProcess}, which would also list the
 * beans under {@code gs:}.
 */
public interface Eo2SarProcess {
}
