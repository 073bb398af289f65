package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@link HostCopy}: one-thread and split copies move exactly the window asked for. */
class HostCopyTest {
    private static final float GUARD = -7.25f;

    @Test
    void copiesEveryFloatBothWaysAtSizesAroundTheSplit() {
        int[] lengths = {0, 1, 17, HostCopy.PARALLEL_FLOATS - 1, HostCopy.PARALLEL_FLOATS,
                3 * HostCopy.PIECE_FLOATS + HostCopy.PARALLEL_FLOATS + 5};
        SplittableRandom random = new SplittableRandom(3);
        int off = 11;
        for (int len : lengths) {
            float[] src = new float[off + len + 4];
            for (int i = 0; i < src.length; i++) {
                src[i] = (float) random.nextGaussian();
            }
            try (Arena arena = Arena.ofShared()) {
                MemorySegment seg = arena.allocate((long) (len + 4) * Float.BYTES, 64);
                seg.fill((byte) 0);
                HostCopy.toNative(src, off, seg, len);
                float[] expectedNative = new float[len + 4];
                System.arraycopy(src, off, expectedNative, 0, len);
                assertArrayEquals(expectedNative, seg.toArray(JAVA_FLOAT), "len " + len + ": native copy, zeros after it");

                float[] back = new float[off + len + 4];
                Arrays.fill(back, GUARD);
                HostCopy.toHeap(seg, back, off, len);
                float[] expectedHeap = new float[back.length];
                Arrays.fill(expectedHeap, GUARD);
                System.arraycopy(src, off, expectedHeap, off, len);
                assertArrayEquals(expectedHeap, back, "len " + len + ": heap copy, guards intact");
            }
        }
    }
}
