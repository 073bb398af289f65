package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link HostCopy}: one-thread and split copies move exactly the window asked for. */
class HostCopyTest {
    private static final float GUARD = -7.25f;

    @Test
    void copiesEveryFloatBothWaysAtSizesAroundTheSplit() {
        int[] lengths = {0, 1, 17, HostCopy.PARALLEL_FLOATS - 1, HostCopy.PARALLEL_FLOATS,
                3 * HostCopy.PIECE_FLOATS + HostCopy.PARALLEL_FLOATS + 5};
        SplittableRandom random = new SplittableRandom(3);
        for (int len : lengths) {
            int off = 11;
            float[] src = new float[off + len + 4];
            for (int i = 0; i < src.length; i++) {
                src[i] = (float) random.nextGaussian();
            }
            try (Arena arena = Arena.ofShared()) {
                MemorySegment seg = arena.allocate((long) (len + 4) * Float.BYTES, 64);
                seg.fill((byte) 0);
                HostCopy.toNative(src, off, seg, len);
                for (int i = 0; i < len; i++) {
                    assertEquals(src[off + i], seg.getAtIndex(JAVA_FLOAT, i), "len " + len + ": native[" + i + "]");
                }
                for (int i = len; i < len + 4; i++) {
                    assertEquals(0f, seg.getAtIndex(JAVA_FLOAT, i), "len " + len + ": native past the copy");
                }
                float[] back = new float[off + len + 4];
                java.util.Arrays.fill(back, GUARD);
                HostCopy.toHeap(seg, back, off, len);
                for (int i = 0; i < back.length; i++) {
                    float expected = i >= off && i < off + len ? src[i] : GUARD;
                    assertEquals(expected, back[i], "len " + len + ": heap[" + i + "]");
                }
            }
        }
    }
}
