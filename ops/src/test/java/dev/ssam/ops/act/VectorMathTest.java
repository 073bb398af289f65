package dev.ssam.ops.act;

import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link VectorMath}: erf (scalar and vector) against erf computed in double here (the
 * all-positive series {@code erf x = 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (2n+1)!!} below 3,
 * the continued fraction of erfc above); the vector exp and log against {@link Math}.
 */
class VectorMathTest {
    private static final VectorSpecies<Float> S = Simd.FLOAT;

    /** erf in double, accurate to a few double ulps. */
    static double erfReference(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double term = a;
            double sum = a;
            for (int n = 1; n < 200 && term > 1e-18 * sum; n++) {
                term *= 2 * a * a / (2 * n + 1);
                sum += term;
            }
            r = 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
        } else {
            // erfc a = e^{-a^2} / sqrt(pi) / (a + (1/2) / (a + 1 / (a + (3/2) / (a + ...))))
            double t = a;
            for (int k = 100; k >= 1; k--) {
                t = a + (k / 2.0) / t;
            }
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / t;
        }
        return Math.copySign(r, x);
    }

    @Test
    void referenceMatchesTabulatedValues() {
        // 17 digits from mpmath at 30 digits
        double[][] table = {{0.5, 0.52049987781304654}, {1, 0.84270079294971487}, {2, 0.99532226501895273},
                {3, 0.99997790950300141}, {1e-3, 0.0011283787909692364}, {-0.25, -0.27632639016823693}};
        for (double[] row : table) {
            assertEquals(row[1], erfReference(row[0]), 1e-15 * Math.abs(row[1]), "erf(" + row[0] + ")");
        }
    }

    @Test
    void erfIsWithinTwoTenthsOfAMillionthOfDoublePrecision() {
        List<Float> points = new ArrayList<>();
        for (int i = -600_000; i <= 600_000; i++) {
            points.add(i * 1e-5f);
        }
        for (float x = 1e-30f; x < 1; x *= 1.7f) {
            points.add(x);
            points.add(-x);
        }
        float split = 0.927734375f;
        for (int u = -40; u <= 40; u++) {
            points.add(Float.intBitsToFloat(Float.floatToIntBits(split) + u));
        }
        for (float x : new float[] {7f, 9.5f, 10f, 30f, 1e10f, 3e38f, -3e38f}) {
            points.add(x);
        }
        float[] xs = new float[points.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = points.get(i);
        }
        Tensor expected = Tensor.zeros(xs.length);
        Tensor scalar = Tensor.zeros(xs.length);
        for (int i = 0; i < xs.length; i++) {
            expected.data()[i] = (float) erfReference(xs[i]);
            scalar.data()[i] = VectorMath.erf(xs[i]);
        }
        TensorCompare.assertClose("scalar erf", expected, scalar, Tolerance.VECTOR_MATH_VS_DOUBLE);
        TensorCompare.assertClose("vector erf", expected, vectorErf(xs), Tolerance.VECTOR_MATH_VS_DOUBLE);
    }

    @Test
    void erfHandlesSpecialValuesLikeLibm() {
        float[] xs = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f};
        Tensor expected = Tensor.of(new float[] {Float.NaN, 1f, -1f, 0f, -0f}, 5);
        Tensor scalar = Tensor.zeros(5);
        for (int i = 0; i < 5; i++) {
            scalar.data()[i] = VectorMath.erf(xs[i]);
        }
        TensorCompare.assertBitwiseEqual("scalar erf special", expected, scalar);
        TensorCompare.assertBitwiseEqual("vector erf special", expected, vectorErf(xs));
    }

    @Test
    void expIsWithinAnUlpOfDoublePrecision() {
        float[] xs = new float[400_001];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) (-104 + 193.0 * i / (xs.length - 1));
        }
        Tensor expected = Tensor.zeros(xs.length);
        for (int i = 0; i < xs.length; i++) {
            expected.data()[i] = (float) Math.exp(xs[i]);
        }
        TensorCompare.assertClose("vector exp", expected, vector(VectorMath::exp, xs), Tolerance.VECTOR_MATH_VS_DOUBLE);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 88.72f, 88.73f,
                -103.9f, -87.5f, 1e-45f};
        Tensor exact = Tensor.zeros(special.length);
        for (int i = 0; i < special.length; i++) {
            exact.data()[i] = (float) Math.exp(special[i]);
        }
        TensorCompare.assertClose("vector exp special", exact, vector(VectorMath::exp, special),
                Tolerance.VECTOR_MATH_VS_DOUBLE);
    }

    @Test
    void logIsWithinAnUlpOfDoublePrecision() {
        float[] xs = new float[400_001];
        for (int i = 0; i < xs.length; i++) {
            // log-spaced over every binade, subnormals included, plus [0.5, 2] densely
            xs[i] = i % 2 == 0 ? (float) Math.exp(-103 + 191.0 * i / xs.length) : 0.5f + 1.5f * i / xs.length;
        }
        Tensor expected = Tensor.zeros(xs.length);
        for (int i = 0; i < xs.length; i++) {
            expected.data()[i] = (float) Math.log(xs[i]);
        }
        TensorCompare.assertClose("vector log", expected, vector(VectorMath::log, xs), Tolerance.VECTOR_MATH_VS_DOUBLE);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -1f, 1f, 1e-45f};
        Tensor exact = Tensor.zeros(special.length);
        for (int i = 0; i < special.length; i++) {
            exact.data()[i] = (float) Math.log(special[i]);
        }
        TensorCompare.assertClose("vector log special", exact, vector(VectorMath::log, special),
                Tolerance.VECTOR_MATH_VS_DOUBLE);
    }

    private static Tensor vectorErf(float[] xs) {
        return vector(VectorMath::erf, xs);
    }

    /** {@code f} applied to {@code xs} a vector at a time (the tail padded with zeros). */
    private static Tensor vector(UnaryOperator<FloatVector> f, float[] xs) {
        int n = xs.length;
        float[] padded = Arrays.copyOf(xs, n + S.length());
        float[] out = new float[padded.length];
        for (int i = 0; i < n; i += S.length()) {
            f.apply(FloatVector.fromArray(S, padded, i)).intoArray(out, i);
        }
        return Tensor.of(Arrays.copyOf(out, n), n);
    }
}
