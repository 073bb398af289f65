package dev.ssam.ops;

import dev.ssam.runtime.RuntimeFlags;
import dev.ssam.runtime.Simd;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ops suite runs twice (surefire execution {@code vector-256}): this proves the width really changed. */
class VectorWidthTest {
    @Test
    void kernelsUseTheRequestedWidthOrThePreferredOne() {
        int requested = RuntimeFlags.CURRENT.vectorBits();
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int expected = requested == 0 ? preferred : Math.min(requested, preferred);
        assertEquals(expected, Simd.FLOAT.vectorBitSize(), "ssam.vectorBits=" + requested);
        System.out.println("ops kernels run at " + Simd.describe());
    }
}
