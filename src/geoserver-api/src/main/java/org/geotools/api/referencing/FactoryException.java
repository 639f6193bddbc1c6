package org.geotools.api.referencing;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.referencing.FactoryException}. */
public class FactoryException extends Exception {
    private static final long serialVersionUID = 1L;

    public FactoryException(String message) {
        super(message);
    }
}
