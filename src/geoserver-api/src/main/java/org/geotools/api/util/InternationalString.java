package org.geotools.api.util;

import java.util.Locale;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.util.InternationalString}. */
public interface InternationalString extends CharSequence, Comparable<InternationalString> {
    String toString(Locale locale);

    @Override
    String toString();
}
