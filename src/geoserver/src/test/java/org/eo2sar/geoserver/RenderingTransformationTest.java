package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.nio.file.Path;
import org.eo2sar.core.Eo2SarException;
import org.geotools.api.coverage.grid.GridGeometry;
import org.geotools.api.data.Query;
import org.geotools.api.metadata.spatial.PixelOrientation;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.coverage.grid.GridEnvelope2D;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.process.ProcessException;
import org.geotools.referencing.CRS;
import org.geotools.referencing.operation.transform.AffineTransform2D;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read grid of the rendering transformation: native resolution plus the model margin, and the coarse-view guard. */
class RenderingTransformationTest {
    @TempDir
    static Path tmp;

    static ModelRegistry registry;
    static TranslateProcess process;
    static final String UTM18N = "EPSG:32618";

    @BeforeAll
    static void setUp() throws Exception {
        registry = new ModelRegistry(Fixtures.settings(Fixtures.modelsDir(tmp)));
        process = new TranslateProcess(registry);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    /** A native-resolution window as GeoTools' renderer builds it: native 300 m grid, a pixel window of it. */
    static GridGeometry2D nativeWindow(int x, int y, int w, int h) throws Exception {
        return new GridGeometry2D(new GridEnvelope2D(x, y, w, h), PixelInCell.CELL_CORNER,
                new AffineTransform2D(300, 0, 0, -300, 101985, 2826915), CRS.decode(UTM18N), null);
    }

    @Test
    void readGrowsByTheModelMarginAtNativeResolution() throws Exception {
        GridGeometry2D view = nativeWindow(500, 400, 100, 80);
        GridGeometry result = process.invertGridGeometry(Fixtures.TILE_INVARIANT, null, null, new Query(), view);
        GridGeometry2D read = (GridGeometry2D) result;
        // the card's margin is 32 px
        assertEquals(new Rectangle(468, 368, 164, 144), read.getGridRange2D());
        assertEquals(view.getGridToCRS2D(PixelOrientation.UPPER_LEFT), read.getGridToCRS2D(PixelOrientation.UPPER_LEFT));
        assertEquals(view.getCoordinateReferenceSystem(), read.getCoordinateReferenceSystem());
        // world position of a pixel is unchanged: same grid, just more of it
        assertEquals(view.getGridToCRS2D(), read.getGridToCRS2D());
    }

    @Test
    void anExplicitMarginWins() throws Exception {
        GridGeometry2D read = (GridGeometry2D) process.invertGridGeometry(Fixtures.TILE_INVARIANT, "cpu", 8,
                new Query(), nativeWindow(0, 0, 256, 256));
        assertEquals(new Rectangle(-8, -8, 272, 272), read.getGridRange2D());
    }

    @Test
    void theReadIsSnappedToTheModelsTileMultiple() throws Exception {
        GridGeometry2D read = (GridGeometry2D) process.invertGridGeometry(Fixtures.TILE_INVARIANT, null, null,
                new Query(), nativeWindow(301, 250, 10, 10));
        // 301-32 = 269 → 268; 301+10+32 = 343 → 344; 250-32 = 218 → 216; 250+10+32 = 292
        assertEquals(new Rectangle(268, 216, 76, 76), read.getGridRange2D());
        GridGeometry2D aligned = nativeWindow(0, 0, 8, 8);
        assertSame(aligned, NativeResolutionRead.withMargin(aligned, 0, 4));
        assertEquals(new Rectangle(-3, -3, 14, 14), NativeResolutionRead.withMargin(aligned, 3, 1).getGridRange2D());
    }

    @Test
    void unknownModelIsAProcessException() throws Exception {
        GridGeometry2D view = nativeWindow(0, 0, 10, 10);
        ProcessException e = assertThrows(ProcessException.class,
                () -> process.invertGridGeometry("missing", null, null, new Query(), view));
        assertTrue(e.getMessage().contains("unknown model 'missing'"), e.getMessage());
    }

    @Test
    void nonGridGeometriesPassThrough() {
        GridGeometry other = new GridGeometry() {
            @Override
            public org.geotools.api.coverage.grid.GridEnvelope getGridRange() {
                return null;
            }

            @Override
            public org.geotools.api.referencing.operation.MathTransform getGridToCRS() {
                return null;
            }
        };
        assertSame(other, process.invertGridGeometry(Fixtures.TILE_INVARIANT, null, null, new Query(), other));
    }

    @Test
    void pixelSizeIsTheSquareRootOfTheDeterminant() {
        assertEquals(300.0, NativeResolutionRead.pixelSize(new AffineTransform2D(300, 0, 0, -300, 0, 0)), 1e-9);
        // a rotated 10 m grid
        double c = Math.cos(0.3) * 10, s = Math.sin(0.3) * 10;
        assertEquals(10.0, NativeResolutionRead.pixelSize(new AffineTransform2D(c, s, s, -c, 0, 0)), 1e-9);
        assertTrue(Double.isNaN(NativeResolutionRead.pixelSize(null)));
    }

    @Test
    void viewsUpToTheLimitPassAndCoarserOnesAreRefused() {
        assertDoesNotThrow(() -> NativeResolutionRead.checkCoarsening(300, 300, 4));
        assertDoesNotThrow(() -> NativeResolutionRead.checkCoarsening(1200, 300, 4));
        Eo2SarException e = assertThrows(Eo2SarException.class,
                () -> NativeResolutionRead.checkCoarsening(1210, 300, 4));
        assertTrue(e.getMessage().contains("4.0x coarser than the data's native 300"), e.getMessage());
        assertTrue(e.getMessage().contains(PluginSettings.MAX_COARSENING), e.getMessage());
        assertDoesNotThrow(() -> NativeResolutionRead.checkCoarsening(Double.NaN, 300, 4));
    }
}
