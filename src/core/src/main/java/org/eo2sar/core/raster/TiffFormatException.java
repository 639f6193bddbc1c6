package org.eo2sar.core.raster;

/** A structural problem found in a TIFF file; the message continues "FILE ..." (e.g. "is corrupt: ..."). */
final class TiffFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    TiffFormatException(String message) {
        super(message);
    }
}
