package org.eo2sar.core.raster;

import static org.eo2sar.core.testsupport.TestData.sharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.RenderedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eo2sar.core.Eo2SarException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: mutated copies of the shared rasters (bit flips in the header and directories, byte
 * noise in the pixel data, truncation, absurd directory counts and offsets, zeroed blocks) opened
 * and read completely as the translation reads them. Every mutant must either read or fail with
 * our one-line {@link Eo2SarException}: any other throwable is a crash, and a mutant still running
 * after {@link #HANG} is a hang. Deterministic (fixed seed); {@code -Deo2sar.fuzz.count=N} runs more
 * (docs/reliability.md has the long-run command and its figures).
 */
class TiffFuzzTest {
    static final String[] SEEDS = {"rgb_lzw.tif", "rgb_deflate.tif", "world.rgb.tif", "cogeo.tif",
        "float_raster_with_nodata.tif", "all-nodata.tif", "RGB.byte.tif"};
    /** Longer than the read deadline below plus decoding: past it the reader is stuck. */
    static final Duration HANG = Duration.ofSeconds(20);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    enum Outcome { READ, REFUSED, CRASH, HANG }

    @Test
    void mutatedRastersReadOrFailWithOneLineNeverCrashOrHang() throws Exception {
        int count = Integer.getInteger("eo2sar.fuzz.count", 140);
        Random rnd = new Random(20261202L);
        Map<Outcome, Integer> tally = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        double slowest = 0;
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < count; i++) {
                String seed = SEEDS[i % SEEDS.length];
                byte[] original = Files.readAllBytes(sharedData("rasters/" + seed));
                String kind = MUTATIONS[rnd.nextInt(MUTATIONS.length)];
                byte[] mutant = mutate(original, kind, rnd);
                Path file = dir.resolve(i + "-" + kind + "-" + seed);
                Files.write(file, mutant);
                long t0 = System.nanoTime();
                Future<Outcome> f = runner.submit(() -> readAll(file));
                Outcome o;
                String detail = "";
                try {
                    o = f.get(HANG.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    o = Outcome.HANG;
                    f.cancel(true);
                    runner.shutdownNow();   // abandon the stuck thread, carry on with a fresh one
                    runner = Executors.newSingleThreadExecutor();
                } catch (java.util.concurrent.ExecutionException e) {
                    o = Outcome.CRASH;
                    detail = ": " + e.getCause();
                }
                tally.merge(o, 1, Integer::sum);
                slowest = Math.max(slowest, (System.nanoTime() - t0) / 1e9);
                if (o == Outcome.CRASH || o == Outcome.HANG) {
                    problems.add(file.getFileName() + " " + o + detail);
                    Files.copy(file, dir.resolve("keep-" + file.getFileName()));
                }
                Files.delete(file);
            }
        } finally {
            runner.shutdownNow();
        }
        System.out.printf("TIFF fuzz: %d mutants of %d rasters: %s; slowest %.1f s%n", count, SEEDS.length, tally, slowest);
        assertTrue(problems.isEmpty(), problems.size() + " crashes/hangs:\n" + String.join("\n", problems));
        assertEquals(count, tally.values().stream().mapToInt(Integer::intValue).sum());
    }

    /** Opens and reads every pixel as a translation would; the outcome, or the crash as an exception. */
    static Outcome readAll(Path file) {
        try (GeoRaster r = GeoTiffRasters.open(file, READ_TIMEOUT)) {
            RasterInfo info = r.info();
            RenderedImage image = r.image();
            int step = 256;
            for (int y = 0; y < info.height(); y += step) {
                for (int x = 0; x < info.width(); x += step) {
                    image.getData(new Rectangle(image.getMinX() + x, image.getMinY() + y,
                            Math.min(step, info.width() - x), Math.min(step, info.height() - y)));
                }
            }
            RasterInfoFormatter.format(info);   // what `eo2sar info` prints must not fail either
            return Outcome.READ;
        } catch (Eo2SarException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().contains("\n"), "one line: " + e.getMessage());
            return Outcome.REFUSED;
        }
    }

    static final String[] MUTATIONS = {"header-bits", "data-bytes", "truncate", "ifd-entry", "zero-block"};

    static byte[] mutate(byte[] in, String kind, Random rnd) {
        byte[] b = in.clone();
        switch (kind) {
            case "header-bits" -> {   // the header and first directory usually sit in the first 4 KiB, or at the end
                int n = 1 + rnd.nextInt(8);
                for (int k = 0; k < n; k++) {
                    int region = rnd.nextBoolean() ? Math.min(4096, b.length) : b.length;
                    int pos = rnd.nextBoolean() ? rnd.nextInt(region) : b.length - 1 - rnd.nextInt(Math.min(4096, b.length));
                    b[pos] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case "data-bytes" -> {
                int n = 1 + rnd.nextInt(64);
                for (int k = 0; k < n; k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            case "truncate" -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case "ifd-entry" -> ifdEntry(b, rnd);
            case "zero-block" -> {
                int len = Math.min(b.length, 64 + rnd.nextInt(4096));
                int pos = rnd.nextInt(b.length - len + 1);
                java.util.Arrays.fill(b, pos, pos + len, (byte) 0);
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return b;
    }

    /** One entry of the first directory gets an extreme count or value (classic TIFF only). */
    static void ifdEntry(byte[] b, Random rnd) {
        if (b.length < 16 || b[2] == 43 || b[3] == 43) {
            b[rnd.nextInt(b.length)] ^= 0x40;
            return;
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long ifd = Integer.toUnsignedLong(buf.getInt(4));
        if (ifd + 2 > b.length) {
            return;
        }
        int n = Short.toUnsignedInt(buf.getShort((int) ifd));
        if (n == 0 || ifd + 2 + 12L * n > b.length) {
            return;
        }
        int entry = (int) ifd + 2 + 12 * rnd.nextInt(n);
        int[] extremes = {0, 1, 2, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 65536, b.length, b.length + 1};
        int v = extremes[rnd.nextInt(extremes.length)];
        if (rnd.nextBoolean()) {
            buf.putInt(entry + 4, v);          // the value count
        } else {
            buf.putInt(entry + 8, v);          // the value or its offset
        }
    }
}
