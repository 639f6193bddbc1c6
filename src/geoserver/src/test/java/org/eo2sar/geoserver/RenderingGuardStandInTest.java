package org.eo2sar.geoserver;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.geotools.api.data.Query;
import org.geotools.api.parameter.GeneralParameterValue;
import org.geotools.api.referencing.crs.CoordinateReferenceSystem;
import org.geotools.api.referencing.datum.PixelInCell;
import org.geotools.api.referencing.operation.MathTransform;
import org.geotools.coverage.grid.GridEnvelope2D;
import org.geotools.coverage.grid.GridGeometry2D;
import org.geotools.coverage.grid.io.GridCoverage2DReader;
import org.geotools.process.ProcessException;
import org.geotools.referencing.CRS;
import org.geotools.referencing.operation.transform.AffineTransform2D;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renderer's sequence invertGridGeometry → customizeReadParams with a reader whose native
 * pixel is 300 m. Implements the stand-in reader interface, so it is skipped under -Posgeo.
 */
class RenderingGuardStandInTest {
    @TempDir
    static Path tmp;

    static ModelRegistry registry;
    static TranslateProcess process;
    static CoordinateReferenceSystem utm;

    @BeforeAll
    static void setUp() throws Exception {
        registry = new ModelRegistry(Fixtures.settings(Fixtures.modelsDir(tmp)));
        process = new TranslateProcess(registry);
        utm = CRS.parseWKT(RenderingTransformationTest.UTM18N);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
    }

    static GridCoverage2DReader reader(CoordinateReferenceSystem crs) {
        return new GridCoverage2DReader() {
            @Override
            public CoordinateReferenceSystem getCoordinateReferenceSystem() {
                return crs;
            }

            @Override
            public MathTransform getOriginalGridToWorld(PixelInCell pixInCell) {
                return new AffineTransform2D(300, 0, 0, -300, 101985, 2826915);
            }
        };
    }

    static void render(double viewPixel, CoordinateReferenceSystem viewCrs, GridCoverage2DReader reader,
                       GeneralParameterValue[] params) {
        GridGeometry2D view = new GridGeometry2D(new GridEnvelope2D(0, 0, 256, 256), PixelInCell.CELL_CORNER,
                new AffineTransform2D(viewPixel, 0, 0, -viewPixel, 100000, 2830000), viewCrs, null);
        process.invertGridGeometry(Fixtures.TILE_INVARIANT, null, null, new Query(), view);
        assertSame(params, process.customizeReadParams(reader, params));
    }

    @Test
    void nativeAndModeratelyCoarserViewsPass() {
        GeneralParameterValue[] params = new GeneralParameterValue[0];
        render(300, utm, reader(utm), params);
        render(1200, utm, reader(utm), params);
    }

    @Test
    void farCoarserViewsAreRefusedWithAClearMessage() {
        ProcessException e = assertThrows(ProcessException.class,
                () -> render(2400, utm, reader(utm), new GeneralParameterValue[0]));
        assertTrue(e.getMessage().contains("8.0x coarser than the data's native 300"), e.getMessage());
        // the hand-over is per request: the next, native-resolution request passes
        render(300, utm, reader(utm), new GeneralParameterValue[0]);
    }

    @Test
    void reprojectedViewsAreNotCompared() throws Exception {
        CoordinateReferenceSystem wgs84 = CRS.parseWKT("GEOGCS[\"WGS 84\"]");
        render(0.5, wgs84, reader(utm), new GeneralParameterValue[0]);
    }

    @Test
    void withoutAPrecedingInvertTheParamsPassUnchanged() {
        GeneralParameterValue[] params = new GeneralParameterValue[0];
        assertSame(params, process.customizeReadParams(reader(utm), params));
    }
}
