package org.eo2sar.core.raster;

import java.awt.image.DataBuffer;

/** Sample type of a raster's bands, as stored in the file (TIFF BitsPerSample + SampleFormat). */
public enum RasterDataType {
    UINT8(8, DataBuffer.TYPE_BYTE),
    UINT16(16, DataBuffer.TYPE_USHORT),
    INT16(16, DataBuffer.TYPE_SHORT),
    UINT32(32, DataBuffer.TYPE_INT),
    INT32(32, DataBuffer.TYPE_INT),
    FLOAT32(32, DataBuffer.TYPE_FLOAT),
    FLOAT64(64, DataBuffer.TYPE_DOUBLE);

    private final int bits;
    private final int dataBufferType;

    RasterDataType(int bits, int dataBufferType) {
        this.bits = bits;
        this.dataBufferType = dataBufferType;
    }

    /** Bits per sample. */
    public int bits() {
        return bits;
    }

    /** The {@link DataBuffer} type code the decoded image uses (UINT32 is held in signed ints). */
    public int dataBufferType() {
        return dataBufferType;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type a {@link DataBuffer} type code stands for (TYPE_INT is read as INT32). */
    public static RasterDataType ofDataBufferType(int type) {
        switch (type) {
            case DataBuffer.TYPE_BYTE: return UINT8;
            case DataBuffer.TYPE_USHORT: return UINT16;
            case DataBuffer.TYPE_SHORT: return INT16;
            case DataBuffer.TYPE_INT: return INT32;
            case DataBuffer.TYPE_FLOAT: return FLOAT32;
            case DataBuffer.TYPE_DOUBLE: return FLOAT64;
            default: throw new IllegalArgumentException("unsupported DataBuffer type " + type);
        }
    }

    /** From TIFF BitsPerSample and SampleFormat (1 unsigned, 2 signed, 3 float); null if not one of ours. */
    static RasterDataType ofTiff(int bitsPerSample, int sampleFormat) {
        switch (sampleFormat) {
            case 1:
                return bitsPerSample == 8 ? UINT8 : bitsPerSample == 16 ? UINT16 : bitsPerSample == 32 ? UINT32 : null;
            case 2:
                return bitsPerSample == 16 ? INT16 : bitsPerSample == 32 ? INT32 : null;
            case 3:
                return bitsPerSample == 32 ? FLOAT32 : bitsPerSample == 64 ? FLOAT64 : null;
            default:
                return null;
        }
    }
}
