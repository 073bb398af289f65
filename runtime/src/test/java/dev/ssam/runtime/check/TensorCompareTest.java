package dev.ssam.runtime.check;

import dev.ssam.runtime.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorCompareTest {
    @Test
    void reportsWorstElementAndCounts() {
        Tensor e = Tensor.of(new float[] {1f, 2f, 3f, 4f}, 2, 2);
        Tensor a = Tensor.of(new float[] {1f, 2.5f, 3f, 4.00001f}, 2, 2);
        TensorCompare.Result r = TensorCompare.compare("x", e, a, new Tolerance(1e-4, 0));
        assertFalse(r.passed());
        assertEquals(1, r.failures());
        assertEquals(1, r.worst());
        assertEquals(0.5, r.maxAbs(), 1e-9);
        AssertionError err = assertThrows(AssertionError.class, () -> TensorCompare.assertClose("x", e, a, new Tolerance(1e-4, 0)));
        assertTrue(err.getMessage().contains("worst at flat index 1"), err.getMessage());
    }

    @Test
    void nanMustMatchNan() {
        Tensor e = Tensor.of(new float[] {Float.NaN, 1f}, 2);
        assertTrue(TensorCompare.compare("n", e, Tensor.of(new float[] {Float.NaN, 1f}, 2), Tolerance.CPU_VS_REF).passed());
        assertFalse(TensorCompare.compare("n", e, Tensor.of(new float[] {0f, 1f}, 2), Tolerance.CPU_VS_REF).passed());
        assertFalse(TensorCompare.compare("n", Tensor.of(new float[] {0f, 1f}, 2), e, Tolerance.CPU_VS_REF).passed());
    }

    @Test
    void bitwiseEqualityTakesAnyNanForAnyNanButNothingElse() {
        float canonicalGpuNan = Float.intBitsToFloat(0x7fffffff);
        float quietNan = Float.intBitsToFloat(0x7fc00000);
        Tensor e = Tensor.of(new float[] {quietNan, 0f, 1f}, 3);
        TensorCompare.assertBitwiseEqual("nan payload", e, Tensor.of(new float[] {canonicalGpuNan, 0f, 1f}, 3));
        AssertionError signedZero = assertThrows(AssertionError.class, () -> TensorCompare.assertBitwiseEqual("zero", e,
                Tensor.of(new float[] {quietNan, -0f, 1f}, 3)));
        assertTrue(signedZero.getMessage().contains("flat index 1"), signedZero.getMessage());
        assertThrows(AssertionError.class, () -> TensorCompare.assertBitwiseEqual("nan vs number", e,
                Tensor.of(new float[] {1f, 0f, 1f}, 3)));
        assertThrows(AssertionError.class, () -> TensorCompare.assertBitwiseEqual("ulp", e,
                Tensor.of(new float[] {quietNan, 0f, Math.nextUp(1f)}, 3)));
    }

    @Test
    void shapeMismatchFails() {
        assertFalse(TensorCompare.compare("s", Tensor.zeros(2, 3), Tensor.zeros(3, 2), Tolerance.CPU_VS_REF).passed());
    }

    @Test
    void guardsDetectOutOfWindowWrites() {
        GuardedTensor g = GuardedTensor.zeros(3, 5);
        g.tensor().fill(1f);
        g.assertGuardsIntact("ok");
        g.tensor().data()[g.tensor().offset() + 15] = 0f;
        assertThrows(AssertionError.class, () -> g.assertGuardsIntact("bad"));
    }

    @Test
    void gradCheckFindsDerivativeOfSquare() {
        Tensor x = Tensor.of(new float[] {0.5f, -1.25f, 2f}, 3);
        Tensor analytic = Tensor.of(new float[] {1f, -2.5f, 4f}, 3);
        GradCheck.assertGradient("square", x, analytic, 1e-3, new Tolerance(1e-3, 1e-3), () -> {
            double s = 0;
            for (float v : x.toArray()) {
                s += (double) v * v;
            }
            return s;
        });
        Tensor wrong = Tensor.of(new float[] {1f, -2.5f, 5f}, 3);
        assertThrows(AssertionError.class, () -> GradCheck.assertGradient("square", x, wrong, 1e-3,
                new Tolerance(1e-3, 1e-3), () -> (double) x.get(2) * x.get(2) + (double) x.get(0) * x.get(0)
                        + (double) x.get(1) * x.get(1)));
    }
}
