package org.eo2sar.core.raster;

import java.awt.Rectangle;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferDouble;
import java.awt.image.DataBufferFloat;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferShort;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;

/**
 * Copies bands of a rectangle of an image into float arrays, straight from the image's own tiles:
 * no intermediate raster ({@code RenderedImage.getData(Rectangle)} copies every pixel through an
 * {@code int[]}, one virtual call per sample) and, for the sample models image files decode to
 * (pixel-interleaved or banded), one array loop per row. Values are those of
 * {@code Raster.getSamples(..., float[])}: unsigned for byte and ushort, signed for short and int.
 */
public final class WindowSamples {
    private WindowSamples() {
    }

    /**
     * Fills {@code dst[i]} with band {@code bands[i]} of {@code rect} (image coordinates), row-major,
     * {@code rect.width} samples per row.
     */
    public static void read(RenderedImage image, Rectangle rect, int[] bands, float[][] dst) {
        int tw = image.getTileWidth(), th = image.getTileHeight();
        int ox = image.getTileGridXOffset(), oy = image.getTileGridYOffset();
        int tx0 = Math.floorDiv(rect.x - ox, tw), tx1 = Math.floorDiv(rect.x + rect.width - 1 - ox, tw);
        int ty0 = Math.floorDiv(rect.y - oy, th), ty1 = Math.floorDiv(rect.y + rect.height - 1 - oy, th);
        for (int ty = ty0; ty <= ty1; ty++) {
            for (int tx = tx0; tx <= tx1; tx++) {
                Raster tile = image.getTile(tx, ty);
                Rectangle part = tile.getBounds().intersection(rect);
                if (part.isEmpty()) {
                    continue;
                }
                copy(tile, part, bands, dst, rect);
            }
        }
    }

    /**
     * Bands {@code bands} of {@code part} (inside {@code tile}) into {@code dst[i]}, laid out on {@code rect}:
     * in one pass when the layout allows it, else band by band.
     */
    static void copy(Raster tile, Rectangle part, int[] bands, float[][] dst, Rectangle rect) {
        if (!copyInterleaved(tile, part, bands, dst, rect)) {
            for (int i = 0; i < bands.length; i++) {
                copy(tile, part, bands[i], dst[i], rect);
            }
        }
    }

    /**
     * All {@code bands} in one pass over the pixels when they share one bank of 8- or 16-bit samples (the
     * pixel-interleaved layout of most multi-band GeoTIFFs): band by band, every pass would read the whole
     * interleaved tile again. Returns false (nothing copied) for other layouts.
     */
    private static boolean copyInterleaved(Raster tile, Rectangle part, int[] bands, float[][] dst, Rectangle rect) {
        if (bands.length < 2 || !(tile.getSampleModel() instanceof ComponentSampleModel sm)) {
            return false;
        }
        DataBuffer db = tile.getDataBuffer();
        boolean ushort = db instanceof DataBufferUShort;
        if (!ushort && !(db instanceof DataBufferByte)) {
            return false;
        }
        int bank = sm.getBankIndices()[bands[0]];
        int nb = bands.length;
        int[] offset = new int[nb];
        for (int i = 0; i < nb; i++) {
            if (sm.getBankIndices()[bands[i]] != bank) {
                return false;
            }
            offset[i] = sm.getBandOffsets()[bands[i]];
        }
        short[] shorts = ushort ? ((DataBufferUShort) db).getData(bank) : null;
        byte[] bytes = ushort ? null : ((DataBufferByte) db).getData(bank);
        int ps = sm.getPixelStride(), ss = sm.getScanlineStride();
        int s0 = db.getOffsets()[bank] + (part.y - tile.getSampleModelTranslateY()) * ss
                + (part.x - tile.getSampleModelTranslateX()) * ps;
        int d0 = (part.y - rect.y) * rect.width + (part.x - rect.x);
        for (int y = 0; y < part.height; y++) {
            int s = s0 + y * ss, d = d0 + y * rect.width, end = d + part.width;
            for (; d < end; d++, s += ps) {
                for (int i = 0; i < nb; i++) {
                    dst[i][d] = ushort ? shorts[s + offset[i]] & 0xFFFF : bytes[s + offset[i]] & 0xFF;
                }
            }
        }
        return true;
    }

    /** Band {@code band} of {@code part} (inside {@code tile}) into {@code dst}, laid out on {@code rect}. */
    private static void copy(Raster tile, Rectangle part, int band, float[] dst, Rectangle rect) {
        int w = part.width;
        int d0 = (part.y - rect.y) * rect.width + (part.x - rect.x);
        if (!(tile.getSampleModel() instanceof ComponentSampleModel sm)) {
            float[] row = new float[w];
            for (int y = 0; y < part.height; y++) {
                tile.getSamples(part.x, part.y + y, w, 1, band, row);
                System.arraycopy(row, 0, dst, d0 + y * rect.width, w);
            }
            return;
        }
        DataBuffer db = tile.getDataBuffer();
        int bank = sm.getBankIndices()[band];
        int ps = sm.getPixelStride(), ss = sm.getScanlineStride();
        int s0 = db.getOffsets()[bank] + sm.getBandOffsets()[band]
                + (part.y - tile.getSampleModelTranslateY()) * ss + (part.x - tile.getSampleModelTranslateX()) * ps;
        for (int y = 0; y < part.height; y++) {
            int s = s0 + y * ss, d = d0 + y * rect.width, end = d + w;
            if (db instanceof DataBufferByte b) {
                byte[] a = b.getData(bank);
                for (; d < end; d++, s += ps) {
                    dst[d] = a[s] & 0xFF;
                }
            } else if (db instanceof DataBufferUShort b) {
                short[] a = b.getData(bank);
                for (; d < end; d++, s += ps) {
                    dst[d] = a[s] & 0xFFFF;
                }
            } else if (db instanceof DataBufferShort b) {
                short[] a = b.getData(bank);
                for (; d < end; d++, s += ps) {
                    dst[d] = a[s];
                }
            } else if (db instanceof DataBufferInt b) {
                int[] a = b.getData(bank);
                for (; d < end; d++, s += ps) {
                    dst[d] = a[s];
                }
            } else if (db instanceof DataBufferFloat b) {
                float[] a = b.getData(bank);
                for (; d < end; d++, s += ps) {
                    dst[d] = a[s];
                }
            } else if (db instanceof DataBufferDouble b) {
                double[] a = b.getData(bank);
                for (; d < end; d++, s += ps) {
                    dst[d] = (float) a[s];
                }
            } else {
                for (int x = 0; d < end; d++, x++) {
                    dst[d] = tile.getSampleFloat(part.x + x, part.y + y, band);
                }
            }
        }
    }
}
