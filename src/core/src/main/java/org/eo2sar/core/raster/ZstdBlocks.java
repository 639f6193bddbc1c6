package org.eo2sar.core.raster;

import io.airlift.compress.zstd.ZstdCompressor;
import java.util.Arrays;

/**
 * Zstandard block encoding for {@link CogWriter} (aircompressor: pure Java, no native library).
 * Kept apart so that nothing loads the codec unless ZSTD output is asked for.
 */
final class ZstdBlocks {
    private ZstdBlocks() {
    }

    static byte[] compress(byte[] raw) {
        ZstdCompressor zstd = new ZstdCompressor();
        byte[] out = new byte[zstd.maxCompressedLength(raw.length)];
        int n = zstd.compress(raw, 0, raw.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }
}
