package dev.ssam.model;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskingTest {
    private static final SsamConfig MICRO = SsamConfig.micro();

    private static int masked(Tensor mask, int row) {
        int p = mask.dim(1);
        int n = 0;
        for (int k = 0; k < p; k++) {
            float v = mask.get(row, k);
            assertTrue(v == 0f || v == 1f, "mask value " + v);
            n += (int) v;
        }
        return n;
    }

    @ParameterizedTest
    @EnumSource(Masking.Mode.class)
    void keepsExactlyNumKeptPatchesPerClip(Masking.Mode mode) {
        for (double ratio : new double[] {0.0, 0.3, 0.5, 0.75, 0.9}) {
            SsamConfig c = new SsamConfig(32, 2, 8, 3, 2, 4, 4, 16, 200, 80, 1e-6, ratio);
            Tensor mask = Masking.sample(c, mode, 7L, 6);
            for (int b = 0; b < 6; b++) {
                assertEquals(c.numPatches() - c.numKept(), masked(mask, b), "ratio " + ratio + " row " + b);
            }
        }
        assertEquals(125, MICRO.numKept());
    }

    @ParameterizedTest
    @EnumSource(Masking.Mode.class)
    void sameSeedGivesSameMaskAndOtherSeedsDiffer(Masking.Mode mode) {
        Tensor a = Masking.sample(MICRO, mode, 123L, 4);
        Tensor b = Masking.sample(MICRO, mode, 123L, 4);
        TensorCompare.assertBitwiseEqual("mask", a, b);
        Tensor c = Masking.sample(MICRO, mode, 124L, 4);
        assertFalse(java.util.Arrays.equals(a.toArray(), c.toArray()), "seeds 123 and 124 gave the same masks");
        assertFalse(java.util.Arrays.equals(a.slice0(0, 1).toArray(), a.slice0(1, 2).toArray()),
                "two clips of one batch got the same mask");
    }

    @Test
    void rowOfABatchEqualsTheSplitStreamOfTheSeed() {
        Tensor batch = Masking.sample(MICRO, Masking.Mode.UNSTRUCTURED, 99L, 3);
        SplittableRandom root = new SplittableRandom(99L);
        Tensor one = Tensor.zeros(3, MICRO.numPatches());
        for (int b = 0; b < 3; b++) {
            Masking.sampleRow(MICRO, Masking.Mode.UNSTRUCTURED, root.split(), one, b);
        }
        TensorCompare.assertBitwiseEqual("mask rows", batch, one);
    }

    @Test
    void timestepModeMasksWholeTimeColumns() {
        Tensor mask = Masking.sample(MICRO, Masking.Mode.TIMESTEP, 5L, 8);
        int bins = MICRO.gridBins();
        for (int b = 0; b < 8; b++) {
            int maskedColumns = 0;
            for (int t = 0; t < MICRO.gridFrames(); t++) {
                float first = mask.get(b, t * bins);
                for (int f = 1; f < bins; f++) {
                    assertEquals(first, mask.get(b, t * bins + f), "clip " + b + " column " + t + " bin " + f);
                }
                maskedColumns += (int) first;
            }
            assertEquals(25, maskedColumns);
        }
    }

    @Test
    void unstructuredMasksEveryPatchAboutEquallyOften() {
        int clips = 2000;
        Tensor mask = Masking.sample(MICRO, Masking.Mode.UNSTRUCTURED, 11L, clips);
        int p = MICRO.numPatches();
        for (int k = 0; k < p; k++) {
            int n = 0;
            for (int b = 0; b < clips; b++) {
                n += (int) mask.get(b, k);
            }
            // Binomial(2000, 0.5): sd 22.4; 5 sd bounds.
            assertTrue(Math.abs(n - clips / 2) < 112, "patch " + k + " masked " + n + " times of " + clips);
        }
    }

    @Test
    void rejectsWrongMaskShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Masking.sample(MICRO, Masking.Mode.UNSTRUCTURED, 1L, Tensor.zeros(2, 249)));
        assertTrue(e.getMessage().startsWith("masking: mask is [2, 249]"), e.getMessage());
    }

    @Test
    void parsesOfficialModeNames() {
        assertEquals(Masking.Mode.TIMESTEP, Masking.Mode.parse("timestep"));
        assertEquals(Masking.Mode.UNSTRUCTURED, Masking.Mode.parse("Unstructured"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Masking.Mode.parse("blocks"));
        assertTrue(e.getMessage().contains("'blocks'"), e.getMessage());
    }
}
