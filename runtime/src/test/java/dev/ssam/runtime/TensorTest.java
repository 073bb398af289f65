package dev.ssam.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    @Test
    void indexesRowMajorAndViewsShareData() {
        Tensor t = Tensor.zeros(2, 3, 4);
        t.set(5f, 1, 2, 3);
        assertEquals(5f, t.data()[23]);
        Tensor flat = t.reshape(6, 4);
        assertEquals(5f, flat.get(5, 3));
        Tensor rows = flat.slice0(4, 6);
        assertEquals(16, rows.offset());
        assertEquals(5f, rows.get(1, 3));
        assertArrayEquals(new int[] {2, 4}, rows.shape());
    }

    @Test
    void rejectsBadShapesWithMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(7));
        assertThrows(IllegalArgumentException.class, () -> Tensor.view(new float[4], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).get(2, 0));
    }

    @Test
    void shapeMessagesNameOpArgumentAndDims() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shapes.require("selectiveScan", "B",
                Tensor.zeros(2, 8, 63), Shapes.names("batch", "dState", "len"), 2, 8, 64));
        assertEquals("selectiveScan: B is [2, 8, 63], expected [batch=2, dState=8, len=64]", e.getMessage());
        Tensor nan = Tensor.of(new float[] {1f, Float.NaN}, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Shapes.requireFinite("layerNorm", "x", nan));
        assertTrue(e.getMessage().startsWith("layerNorm: x holds NaN at flat index 1"), e.getMessage());
    }

    @Test
    void simdSpeciesIsChosenOnce() {
        assertEquals(Simd.FLOAT.length(), Simd.LANES);
        assertTrue(Simd.LANES >= 2);
    }
}
