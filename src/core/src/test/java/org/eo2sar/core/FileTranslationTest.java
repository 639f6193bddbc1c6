package org.eo2sar.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.AffineTransform;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eo2sar.core.Eo2SarException.Kind;
import org.eo2sar.core.model.DeviceSpec;
import org.eo2sar.core.model.OnnxGenerator;
import org.eo2sar.core.pipeline.OutputType;
import org.eo2sar.core.pipeline.Stitch;
import org.eo2sar.core.pipeline.TranslatedImage;
import org.eo2sar.core.pipeline.TranslationOptions;
import org.eo2sar.core.pipeline.Translator;
import org.eo2sar.core.raster.GeoRaster;
import org.eo2sar.core.raster.GeoTiffRasters;
import org.eo2sar.core.raster.RasterInfo;
import org.eo2sar.core.testsupport.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GeoTIFF in → GeoTIFF out with the real tiny model, read back with the project's own reader. */
class FileTranslationTest {
    static final Path RGB = TestData.sharedData("rasters/RGB.byte.tif");
    static OnnxGenerator model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        model = OnnxGenerator.open(TestData.testModel("tiny-tileinvariant.onnx"), DeviceSpec.CPU);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void outputHasTheInputsGridCrsAndSize() {
        for (String name : new String[] {"RGB.byte.tif", "rgb_lzw.tif", "world.rgb.tif"}) {
            Path in = TestData.sharedData("rasters/" + name);
            Path out = tmp.resolve("sar-" + name);
            TranslateResult r = FileTranslation.run(model, TranslateRequest.of(in, out), Progress.NONE);
            assertEquals(out, r.output());
            assertTrue(r.tilesRun() > 0);
            assertTrue(r.inference().toNanos() > 0 && r.wall().toNanos() > 0);
            try (GeoRaster src = GeoTiffRasters.open(in); GeoRaster dst = GeoTiffRasters.open(out)) {
                RasterInfo a = src.info(), b = dst.info();
                assertEquals(a.width(), b.width(), name);
                assertEquals(a.height(), b.height(), name);
                assertEquals(1, b.bandCount());
                assertEquals(DataBuffer.TYPE_FLOAT, dst.image().getSampleModel().getDataType());
                assertEquals(a.georef().epsg(), b.georef().epsg(), name);
                assertTrue(org.apache.sis.util.Utilities.equalsIgnoreMetadata(a.georef().crs(), b.georef().crs()), name);
                assertAffineEquals(a.georef().gridToCrs(), b.georef().gridToCrs());
                // the file holds what the lazy image computes
                try (TranslatedImage expected = new Translator(model).translate(src.image(),
                        TranslationOptions.defaults().withInputNodata(a.nodata()), Progress.NONE)) {
                    Raster e = expected.getData(), g = dst.image().getData();
                    float[] ev = e.getSamples(0, 0, a.width(), a.height(), 0, new float[a.width() * a.height()]);
                    float[] gv = g.getSamples(0, 0, a.width(), a.height(), 0, new float[a.width() * a.height()]);
                    assertArrayEquals(ev, gv, 0f, name);
                }
            }
        }
    }

    /**
     * Regression: with a tile at least as wide as the 791-px raster (rounded up to 800, one tile
     * column wider than the image) the written file was sheared; it must equal the tile-128 output
     * for the tile-invariant model, nodata included.
     */
    @Test
    void oneTileColumnWiderThanTheRasterWritesTheSameAsSmallTiles() {
        float[] wide = translateToFileAndReadBack(800, "tile800.tif");
        float[] small = translateToFileAndReadBack(128, "tile128.tif");
        long valid = 0;
        float max = 0;
        for (int i = 0; i < wide.length; i++) {
            assertEquals(Float.isNaN(small[i]), Float.isNaN(wide[i]), "nodata differs at pixel " + i);
            if (!Float.isNaN(small[i])) {
                max = Math.max(max, Math.abs(wide[i] - small[i]));
                valid++;
            }
        }
        assertTrue(valid > 300_000, valid + " valid pixels");
        assertTrue(max <= 1e-4f, "max |tile 800 - tile 128| = " + max + " dB");
    }

    private float[] translateToFileAndReadBack(int tile, String name) {
        Path out = tmp.resolve(name);
        FileTranslation.run(model, new TranslateRequest(RGB, out, null, tile, 32, 0, Stitch.CROP, OutputType.FLOAT32,
                null, null), Progress.NONE);
        try (GeoRaster r = GeoTiffRasters.open(out)) {
            Raster d = r.image().getData();
            return d.getSamples(0, 0, d.getWidth(), d.getHeight(), 0, new float[d.getWidth() * d.getHeight()]);
        }
    }

    @Test
    void allNodataRasterRunsNoInference() {
        Path out = tmp.resolve("none.tif");
        TranslateResult r = FileTranslation.run(model, TranslateRequest.of(TestData.sharedData("rasters/all-nodata.tif"), out),
                Progress.NONE);
        assertEquals(0, r.tilesRun());
        assertTrue(r.tilesSkipped() > 0);
        assertEquals(0, r.inference().toNanos());
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void badRequestsLeaveNoOutput() throws IOException {
        Path out = tmp.resolve("out.tif");
        assertFails(Kind.INVALID_ARGUMENT, new TranslateRequest(RGB, out, new int[] {0, 1}, 0, -1, 0, null, null, null, null));
        assertFails(Kind.INVALID_ARGUMENT, new TranslateRequest(RGB, out, null, 250, -1, 0, null, null, null, null));
        assertFails(Kind.INVALID_ARGUMENT, new TranslateRequest(RGB, out, null, 0, 30, 0, null, null, null, null));
        assertFails(Kind.INVALID_ARGUMENT, new TranslateRequest(RGB, out, null, 0, 0, 0, null, null, "POINT (1 1)", null));
        assertFails(Kind.INVALID_INPUT, TranslateRequest.of(TestData.sharedData("rasters/corrupt.tif"), out));
        assertFails(Kind.INVALID_INPUT, TranslateRequest.of(tmp.resolve("missing.tif"), out));
        assertFails(Kind.INVALID_ARGUMENT, TranslateRequest.of(RGB, RGB));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count(), "nothing written, not even a temporary file");
        }
    }

    @Test
    void cancellationLeavesNoOutput() throws IOException {
        Path out = tmp.resolve("cancelled.tif");
        Progress cancel = TestData.CANCELLED;
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> FileTranslation.run(model, TranslateRequest.of(RGB, out), cancel));
        assertEquals(Kind.CANCELLED, e.kind());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void uint8OutputWithAreaOfInterestInLonLat() {
        Path out = tmp.resolve("u8.tif");
        // a lon/lat box over the west of the scene
        String aoi = "POLYGON ((-78.7 25.0, -78.2 25.0, -78.2 24.6, -78.7 24.6, -78.7 25.0))";
        TranslateResult r = FileTranslation.run(model, new TranslateRequest(RGB, out, null, 128, -1, 0, Stitch.FEATHER,
                OutputType.UINT8, aoi, "EPSG:4326"), Progress.NONE);
        assertTrue(r.tilesSkipped() > 0, "tiles east of the AOI are skipped");
        try (GeoRaster dst = GeoTiffRasters.open(out)) {
            assertEquals(DataBuffer.TYPE_BYTE, dst.image().getSampleModel().getDataType());
            assertEquals(0.0, dst.info().nodata().orElseThrow());
            Raster g = dst.image().getData();
            assertEquals(0, g.getSample(700, 600, 0), "outside the AOI is nodata");
            int v = g.getSample(150, 250, 0);
            assertTrue(v >= 1 && v <= 255, "inside the AOI: " + v);
        }
    }

    private void assertFails(Kind kind, TranslateRequest req) {
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> FileTranslation.run(model, req, Progress.NONE));
        assertEquals(kind, e.kind(), e.getMessage());
        assertFalse(Files.exists(req.output()) && !req.output().equals(RGB));
    }

    private static void assertAffineEquals(AffineTransform a, AffineTransform b) {
        double[] x = new double[6], y = new double[6];
        a.getMatrix(x);
        b.getMatrix(y);
        assertArrayEquals(x, y, 1e-9);
    }
}
