package org.eo2sar.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.RasterInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: real model, real rasters, exit codes and one-line errors. */
class MainTest {
    private static final String MODEL = TestPaths.model("tiny-tileinvariant.onnx").toString();
    private static final String RGB = TestPaths.raster("RGB.byte.tif").toString();

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        /** Non-empty stderr lines that are not the progress lines of a successful run. */
        long errorLines() {
            return err.lines().filter(l -> !l.isBlank() && !l.startsWith("progress:")).count();
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void translatesRgbByteOntoTheSameGrid() {
        Path out = tmp.resolve("out/sar.tif"); // a missing output folder is created, as the README's command needs
        Run r = run("translate", "--model", MODEL, "--input", RGB, "--output", out.toString(), "--bands", "1,2,3", "--threads", "2");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + out.toAbsolutePath()), r.out());
        assertTrue(r.out().contains("791 x 718 px"), r.out());
        assertTrue(r.err().contains("progress: "), "plain progress lines when not on a terminal: " + r.err());
        RasterInfo in = GeoTiffRasters.info(Path.of(RGB));
        RasterInfo o = GeoTiffRasters.info(out);
        assertEquals(in.width(), o.width());
        assertEquals(in.height(), o.height());
        assertEquals(1, o.bandCount());
        assertEquals(in.georef().gridToCrs(), o.georef().gridToCrs());
        assertEquals(in.georef().epsg(), o.georef().epsg());
    }

    @Test
    void uint8OutputAndAreaOfInterestFromAFile() throws Exception {
        Path out = tmp.resolve("aoi.tif");
        // a small square around the scene centre, in the raster's CRS (UTM 18N)
        Path aoi = Files.writeString(tmp.resolve("aoi.wkt"),
                "POLYGON ((200000 2700000, 240000 2700000, 240000 2740000, 200000 2740000, 200000 2700000))");
        Run r = run("translate", "-m", MODEL, "-i", RGB, "-o", out.toString(), "--output-type", "uint8", "--aoi", "@" + aoi,
                "--tile", "128");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*\\d+ tiles run, \\d+ skipped.*"), r.out());
        long skipped = Long.parseLong(r.out().replaceAll("(?s).*tiles run, (\\d+) skipped.*", "$1"));
        assertTrue(skipped > 0, "tiles outside the AOI are skipped: " + r.out());
        assertEquals(791, GeoTiffRasters.info(out).width());
    }

    @Test
    void compressChoosesTheOutputCodec() {
        long[] sizes = new long[3];
        String[] codecs = {"deflate", "zstd", "none"};
        for (int i = 0; i < 3; i++) {
            Path out = tmp.resolve(codecs[i] + ".tif");
            assertEquals(ExitCode.OK, run("translate", "-m", MODEL, "-i", RGB, "-o", out.toString(), "--compress",
                    codecs[i]).code());
            sizes[i] = out.toFile().length();
            Run info = run("info", out.toString()); // eo2sar reads all three back (GDAL too: CogWriterTest)
            assertEquals(ExitCode.OK, info.code(), info.err());
        }
        assertTrue(sizes[2] > 4 * 791 * 718 && sizes[0] < sizes[2] / 2 && sizes[1] < sizes[2] / 2,
                "float32 blocks, uncompressed vs compressed: " + java.util.Arrays.toString(sizes));
    }

    @Test
    void infoPrintsModelCardAndRasterDescription() {
        Run m = run("info", MODEL);
        assertEquals(ExitCode.OK, m.code(), m.err());
        assertTrue(m.out().contains("tiny-tileinvariant"));
        assertTrue(m.out().contains("[red, green, blue]"));
        assertTrue(m.out().contains("dB"));
        Run r = run("info", RGB);
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("791"), r.out());
        assertTrue(r.out().contains("32618"), r.out());
    }

    @Test
    void versionAndHelp() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("eo2sar "));
        Run h = run("translate", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("--output-type"));
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        for (String[] args : new String[][] {
            {}, {"translate"}, {"translate", "--model", MODEL, "--input", RGB}, {"frobnicate"},
            {"translate", "-m", MODEL, "-i", RGB, "-o", tmp.resolve("x.tif").toString(), "--output-type", "int16"},
            {"translate", "-m", MODEL, "-i", RGB, "-o", tmp.resolve("x.tif").toString(), "--compress", "lzma"},
            {"translate", "-m", MODEL, "-i", RGB, "-o", tmp.resolve("x.tif").toString(), "--bands", "1,2"},
            {"translate", "-m", MODEL, "-i", RGB, "-o", tmp.resolve("x.tif").toString(), "--bands", "a,b,c"},
            {"translate", "-m", MODEL, "-i", RGB, "-o", tmp.resolve("x.tif").toString(), "--device", "tpu"},
            {"serve", "--data-dir", "/nonexistent-dir", "--models-dir", tmp.toString(), "--work-dir", tmp.toString()}}) {
            Run r = run(args);
            assertEquals(ExitCode.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("eo2sar: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
        }
        assertFalse(Files.exists(tmp.resolve("x.tif")));
    }

    @Test
    void limitOptionsBoundTheWorkAndNameTheLimit() {
        Path out = tmp.resolve("limited.tif");
        Run pixels = run("translate", "-m", MODEL, "-i", RGB, "-o", out.toString(), "--max-pixels", "100000");
        assertEquals(ExitCode.USAGE, pixels.code(), pixels.err());
        assertTrue(pixels.err().contains("791x718 = 567938 pixels, over the limit of 100000 pixels"), pixels.err());
        Run memory = run("translate", "-m", MODEL, "-i", RGB, "-o", out.toString(), "--max-memory", "1", "--tile", "1024");
        assertEquals(ExitCode.USAGE, memory.code(), memory.err());
        assertTrue(memory.err().contains("limit"), memory.err());
        for (String[] bad : new String[][] {{"--read-timeout", "0"}, {"--max-pixels", "-5"}, {"--max-memory", "9223372036854775807"}}) {
            Run r = run("translate", "-m", MODEL, "-i", RGB, "-o", out.toString(), bad[0], bad[1]);
            assertEquals(ExitCode.USAGE, r.code(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.errorLines(), r.err());
        }
        assertFalse(Files.exists(out));
        // within generous limits the same run works
        Run ok = run("translate", "-m", MODEL, "-i", RGB, "-o", out.toString(), "--max-pixels", "1000000", "--read-timeout", "30");
        assertEquals(ExitCode.OK, ok.code(), ok.err());
    }

    @Test
    void invalidInputModelAndDeviceHaveTheirOwnExitCodes() {
        Path out = tmp.resolve("o.tif");
        Run corrupt = run("translate", "-m", MODEL, "-i", TestPaths.raster("corrupt.tif").toString(), "-o", out.toString());
        assertEquals(ExitCode.INVALID_INPUT, corrupt.code(), corrupt.err());
        assertEquals(1, corrupt.errorLines(), corrupt.err());
        assertTrue(corrupt.err().contains("corrupt.tif"), corrupt.err());

        Run badModel = run("translate", "-m", RGB, "-i", RGB, "-o", out.toString());
        assertEquals(ExitCode.INVALID_MODEL, badModel.code(), badModel.err());
        assertEquals(1, badModel.errorLines(), badModel.err());

        Run cuda = run("translate", "-m", MODEL, "-i", RGB, "-o", out.toString(), "--device", "cuda:0");
        assertEquals(ExitCode.DEVICE_UNAVAILABLE, cuda.code(), cuda.err());
        assertEquals(1, cuda.errorLines(), cuda.err());
        assertTrue(cuda.err().toLowerCase().contains("cuda"), cuda.err());

        Run missing = run("translate", "-m", MODEL, "-i", tmp.resolve("missing.tif").toString(), "-o", out.toString());
        assertTrue(missing.code() == ExitCode.IO || missing.code() == ExitCode.INVALID_INPUT, missing.err());
        assertEquals(1, missing.errorLines(), missing.err());

        assertFalse(Files.exists(out), "no output after a failure");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count(), "no temporary files left behind");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void verboseShowsTheStackTrace() {
        Run r = run("--verbose", "translate", "-m", MODEL, "-i", TestPaths.raster("corrupt.tif").toString(),
                "-o", tmp.resolve("o.tif").toString());
        assertEquals(ExitCode.INVALID_INPUT, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
