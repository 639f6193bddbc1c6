package org.eo2sar.core.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import org.eo2sar.core.Eo2SarException;
import org.junit.jupiter.api.Test;

class TilePlanTest {

    @Test
    void coresCoverTheRasterExactlyOnce() {
        int w = 791, h = 718;
        TilePlan plan = TilePlan.of(w, h, 256, 32, 4);
        assertEquals(4, plan.cols());
        assertEquals(3, plan.rows());
        int[] hits = new int[w * h];
        for (Tile t : plan.tiles()) {
            assertEquals(320, t.windowSize());
            assertEquals(t.coreX() - 32, t.windowX());
            assertEquals(t.coreY() - 32, t.windowY());
            assertTrue(t.window().contains(t.core()));
            for (int y = t.coreY(); y < t.coreY() + t.coreHeight(); y++) {
                for (int x = t.coreX(); x < t.coreX() + t.coreWidth(); x++) {
                    hits[y * w + x]++;
                }
            }
        }
        for (int i = 0; i < hits.length; i++) {
            assertEquals(1, hits[i], "pixel " + (i % w) + "," + (i / w));
        }
        Tile last = plan.tile(plan.count() - 1);
        assertEquals(791 - 768, last.coreWidth());
        assertEquals(718 - 512, last.coreHeight());
        assertEquals(plan.count() - 1, last.index());
    }

    @Test
    void reflectMirrorsWithoutRepeatingTheEdgeLikeNumpy() {
        // numpy.pad(np.arange(5), 7, mode='reflect'); numpy.pad(np.arange(2), 1, mode='reflect') = [1 0 1 0] = [1 2 3 4 3 2 1 | 0 1 2 3 4 | 3 2 1 0 1 2 3]
        assertArrayEquals(new int[] {1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3},
                TilePlan.reflectRange(-7, 19, 5));
        assertEquals(0, TilePlan.reflect(-5, 1));
        assertEquals(0, TilePlan.reflect(3, 1));
        assertArrayEquals(new int[] {1, 0, 1, 0, 1}, TilePlan.reflectRange(-1, 5, 2));
    }

    @Test
    void tinyRasterShrinksTheTileToTheMultiple() {
        TilePlan plan = TilePlan.of(13, 12, 256, 32, 4);
        assertEquals(16, plan.tileSize());
        assertEquals(1, plan.count());
        Tile t = plan.tile(0);
        assertEquals(new Rectangle(0, 0, 13, 12), t.core());
        assertEquals(80, t.windowSize());
        for (int i : TilePlan.reflectRange(t.windowX(), t.windowSize(), 13)) {
            assertTrue(i >= 0 && i < 13);
        }
    }

    @Test
    void windowsIntersectingFindsNeighbours() {
        TilePlan plan = TilePlan.of(1000, 1000, 256, 32, 4);
        Tile centre = plan.tile(1, 1);
        assertEquals(9, plan.windowsIntersecting(centre.core()).size());
        assertEquals(4, plan.windowsIntersecting(plan.tile(0, 0).core()).size());
        TilePlan noMargin = TilePlan.of(1000, 1000, 256, 0, 4);
        assertEquals(1, noMargin.windowsIntersecting(noMargin.tile(1, 1).core()).size());
    }

    @Test
    void inferenceRatioCountsMarginWork() {
        TilePlan plan = TilePlan.of(1024, 1024, 256, 32, 4);
        assertEquals(320.0 * 320 / (256 * 256), plan.inferenceRatio(), 1e-12);
    }

    @Test
    void rejectsSizesThatBreakTheMultiple() {
        Eo2SarException e = assertThrows(Eo2SarException.class, () -> TilePlan.of(100, 100, 250, 32, 4));
        assertEquals(Eo2SarException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("tile size 250"), e.getMessage());
        e = assertThrows(Eo2SarException.class, () -> TilePlan.of(100, 100, 256, 30, 4));
        assertTrue(e.getMessage().contains("margin 30"), e.getMessage());
        assertThrows(Eo2SarException.class, () -> TilePlan.of(100, 100, 0, 32, 4));
        assertThrows(Eo2SarException.class, () -> TilePlan.of(0, 100, 256, 32, 4));
    }
}
