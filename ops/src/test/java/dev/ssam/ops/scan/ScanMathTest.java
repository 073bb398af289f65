package dev.ssam.ops.scan;

import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

/** The polynomial functions of {@link ScanMath} against double-precision references, edges included. */
class ScanMathTest {
    private static final VectorSpecies<Float> S = Simd.FLOAT;

    /** Arguments from lo to hi in {@code count} steps, then the special values. */
    private static float[] sweep(float lo, float hi, int count, float... special) {
        float[] x = new float[count + special.length];
        for (int i = 0; i < count; i++) {
            x[i] = lo + (hi - lo) * i / (count - 1);
        }
        System.arraycopy(special, 0, x, count, special.length);
        return x;
    }

    /** An in-place array function of ScanMath. */
    private interface InPlace {
        void apply(float[] a, int n);
    }

    private static void assertMatches(String name, float[] x, InPlace f, DoubleUnaryOperator ref) {
        int n = (x.length + S.length() - 1) / S.length() * S.length();
        float[] actual = java.util.Arrays.copyOf(x, n);
        f.apply(actual, n);
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = (float) ref.applyAsDouble(x[i]);
        }
        TensorCompare.assertClose(name, Tensor.of(expected, x.length),
                Tensor.of(java.util.Arrays.copyOf(actual, x.length), x.length), Tolerance.CPU_VS_REF);
    }

    private static void exp(float[] a, int n) {
        for (int i = 0; i < n; i += S.length()) {
            ScanMath.exp(FloatVector.fromArray(S, a, i)).intoArray(a, i);
        }
    }

    @Test
    void expMatchesMathExpIncludingEdges() {
        float[] x = sweep(-90f, 88.7f, 20_001, 0f, -0f, 1e-30f, -1e-30f, 88.72f, 88.73f, 100f, -100f, -1e30f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN);
        assertMatches("exp", x, ScanMathTest::exp, Math::exp);
        float[] small = sweep(-1f, 1f, 20_001);
        assertMatches("exp near 0", small, ScanMathTest::exp, Math::exp);
    }

    @Test
    void softplusMatchesLog1pExpWithThreshold() {
        float[] x = sweep(-40f, 40f, 20_001, 20f, 20.000002f, 19.999998f, -1e-8f, Float.NaN);
        assertMatches("softplus", x, ScanMath::softplus, ScanRef::softplus);
        assertMatches("softplusGrad", x, ScanMath::softplusGrad, ScanRef::softplusGrad);
    }

    @Test
    void siluAndItsGradientMatchDoubleReferences() {
        float[] x = sweep(-100f, 100f, 20_001, 0f, Float.NaN);
        assertMatches("silu", x, ScanMath::silu, ScanRef::silu);
        assertMatches("siluGrad", x, ScanMath::siluGrad, ScanRef::siluGrad);
    }
}
