package dev.ssam.ops.norm;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.ops.OpFixtures;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GradCheck;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LayerNorm} on every backend against Ref (every output and gradient on awkward and model
 * shapes, guards, unchanged inputs, NaN rows, absent gradients, row statistics, leading dimensions);
 * Cpu 1 vs 2 threads bitwise; gradients against central differences; shapes. OpenCL cases skip
 * without a device (fail under CI=true).
 */
class LayerNormTest {
    private static final Backend CPU = BackendUnderTest.CPU.backend();
    private static final float EPS = 1e-6f;

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /** A random problem: x with a per-row offset (a non-zero mean), gamma, beta, gout, all inside guards. */
    private record Case(Tensor x, Tensor gamma, Tensor beta, Tensor gout) {
        static Case random(long seed, int... shape) {
            SplittableRandom r = new SplittableRandom(seed);
            int d = shape[shape.length - 1];
            Tensor x = OpFixtures.uniform(r, -2, 2, shape);
            for (int m = 0; m < x.size() / d; m++) {
                float shift = (float) r.nextDouble(-3, 3);
                for (int i = 0; i < d; i++) {
                    x.data()[x.offset() + m * d + i] += shift;
                }
            }
            return new Case(x, OpFixtures.uniform(r, 0.5, 1.5, d), OpFixtures.uniform(r, -0.5, 0.5, d),
                    OpFixtures.uniform(r, -1, 1, shape));
        }

        int rows() {
            return x.size() / x.dim(-1);
        }
    }

    /** Every output of one backend, inside guards. */
    private record Run(GuardedTensor out, GuardedTensor mean, GuardedTensor rstd, GuardedTensor gx,
                       GuardedTensor ggamma, GuardedTensor gbeta) {
        static Run of(Backend b, Case c) {
            int d = c.x.dim(-1);
            Run r = new Run(GuardedTensor.zeros(c.x.shape()), GuardedTensor.zeros(c.rows()),
                    GuardedTensor.zeros(c.rows()), GuardedTensor.zeros(c.x.shape()), GuardedTensor.zeros(d),
                    GuardedTensor.zeros(d));
            LayerNorm.forward(b, c.x, c.gamma, c.beta, EPS, r.out.tensor(), r.mean.tensor(), r.rstd.tensor());
            LayerNorm.backward(b, c.x, c.gamma, r.mean.tensor(), r.rstd.tensor(), c.gout, r.gx.tensor(),
                    r.ggamma.tensor(), r.gbeta.tensor());
            for (GuardedTensor g : new GuardedTensor[] {r.out, r.mean, r.rstd, r.gx, r.ggamma, r.gbeta}) {
                g.assertGuardsIntact("layerNorm output");
            }
            return r;
        }
    }

    private static void compare(BackendUnderTest b, Case c) {
        Tensor[] before = {c.x.copy(), c.gamma.copy(), c.beta.copy(), c.gout.copy()};
        Run ref = Run.of(Backend.ref(), c);
        Run actual = Run.of(b.backend(), c);
        String n = "layerNorm " + c.x.shapeString() + " on " + b;
        Tolerance tol = b.vsRefReduction();
        TensorCompare.assertClose(n + " out", ref.out.tensor(), actual.out.tensor(), tol);
        TensorCompare.assertClose(n + " mean", ref.mean.tensor(), actual.mean.tensor(), tol);
        TensorCompare.assertClose(n + " rstd", ref.rstd.tensor(), actual.rstd.tensor(), tol);
        TensorCompare.assertClose(n + " gx", ref.gx.tensor(), actual.gx.tensor(), tol);
        TensorCompare.assertClose(n + " ggamma", ref.ggamma.tensor(), actual.ggamma.tensor(), tol);
        TensorCompare.assertClose(n + " gbeta", ref.gbeta.tensor(), actual.gbeta.tensor(), tol);
        OpFixtures.assertUnchanged("x", before[0], c.x);
        OpFixtures.assertUnchanged("gamma", before[1], c.gamma);
        OpFixtures.assertUnchanged("beta", before[2], c.beta);
        OpFixtures.assertUnchanged("gout", before[3], c.gout);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnAwkwardSizes(BackendUnderTest b) {
        int i = 0;
        for (int d : OpFixtures.AWKWARD) {
            for (int m : OpFixtures.AWKWARD) {
                compare(b, Case.random(200 + i++, m, d));
            }
        }
        compare(b, Case.random(29, 3, 5, 300));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnModelShapes(BackendUnderTest b) {
        compare(b, Case.random(1, 8, 251, 192)); // a batch of 8 tiny-model sequences: M = 2008, D = 192
        compare(b, Case.random(2, 251, 576));
        compare(b, Case.random(31, 2, 251, 192));
        compare(b, Case.random(32, 2, 250, 64));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void outputRowsHaveZeroMeanAndUnitVarianceBeforeTheAffineMap(BackendUnderTest b) {
        Case c = Case.random(4, 5, 192);
        Tensor ones = Tensor.zeros(192);
        ones.fill(1f);
        Tensor out = Tensor.zeros(5, 192);
        LayerNorm.forward(b.backend(), c.x, ones, Tensor.zeros(192), EPS, out, null, null);
        for (int m = 0; m < 5; m++) {
            double s = 0;
            double sq = 0;
            for (int i = 0; i < 192; i++) {
                s += out.get(m, i);
                sq += (double) out.get(m, i) * out.get(m, i);
            }
            assertEquals(0, s / 192, 1e-6, b + " row mean");
            assertEquals(1, sq / 192, 1e-5, b + " row variance");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aNanRowBecomesNanAndLeavesOtherRowsAlone(BackendUnderTest b) {
        Case c = Case.random(5, 4, 33);
        c.x.set(Float.NaN, 2, 5);
        c.x.set(Float.POSITIVE_INFINITY, 1, 0);
        compare(b, c);
        Run ref = Run.of(Backend.ref(), c);
        for (int m = 0; m < 4; m++) {
            boolean bad = m == 1 || m == 2;
            assertEquals(bad, Float.isNaN(ref.rstd.tensor().get(m)), "rstd of row " + m);
            for (int i = 0; i < 33; i++) {
                assertEquals(bad, Float.isNaN(ref.out.tensor().get(m, i)), "out[" + m + ", " + i + "]");
                assertEquals(bad, Float.isNaN(ref.gx.tensor().get(m, i)), "gx[" + m + ", " + i + "]");
            }
        }
        Case d = Case.random(34, 4, 33);
        d.x.set(Float.NaN, 2, 5);
        Tensor out = Tensor.zeros(4, 33);
        Tensor rstd = Tensor.zeros(4);
        LayerNorm.forward(b.backend(), d.x, d.gamma, d.beta, EPS, out, null, rstd);
        assertTrue(Float.isNaN(rstd.get(2)), b + " rstd of the NaN row");
        for (int i = 0; i < 33; i++) {
            assertTrue(Float.isNaN(out.get(2, i)), b + " out[2, " + i + "]");
            assertFalse(Float.isNaN(out.get(1, i)), b + " out[1, " + i + "]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void leadingDimensionsAreFlattenedIntoRows(BackendUnderTest under) {
        Backend b = under.backend();
        Case c = Case.random(6, 2, 3, 17);
        Tensor out = Tensor.zeros(2, 3, 17);
        Tensor mean = Tensor.zeros(6);
        LayerNorm.forward(b, c.x, c.gamma, c.beta, EPS, out, mean, null);
        Tensor flat = Tensor.zeros(6, 17);
        LayerNorm.forward(b, c.x.reshape(6, 17), c.gamma, c.beta, EPS, flat, null, null);
        TensorCompare.assertBitwiseEqual(b + " rank 3 vs rank 2", flat, out.reshape(6, 17));
        assertFalse(mean.get(0) == 0f, b + " mean written");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void backwardSkipsNullGradients(BackendUnderTest under) {
        Case c = Case.random(8, 40, 7);
        Tensor mean = Tensor.zeros(40);
        Tensor rstd = Tensor.zeros(40);
        LayerNorm.forward(under.backend(), c.x, c.gamma, c.beta, EPS, Tensor.zeros(40, 7), mean, rstd);
        GuardedTensor gb = GuardedTensor.zeros(7);
        for (Backend b : new Backend[] {Backend.ref(), under.backend()}) {
            LayerNorm.backward(b, c.x, c.gamma, mean, rstd, c.gout, null, null, gb.tensor());
            gb.assertGuardsIntact("gbeta alone on " + b);
            assertTrue(gb.tensor().get(0) != 0f, b + " gbeta written");
        }
        Case d = Case.random(33, 17, 33);
        Run ref = Run.of(Backend.ref(), d);
        GuardedTensor gbeta = GuardedTensor.zeros(33);
        LayerNorm.backward(under.backend(), d.x, d.gamma, ref.mean.tensor(), ref.rstd.tensor(), d.gout, null, null,
                gbeta.tensor());
        TensorCompare.assertClose("gbeta alone on " + under, ref.gbeta.tensor(), gbeta.tensor(),
                under.vsRefReduction());
        gbeta.assertGuardsIntact("gbeta on " + under);
    }

    @Test
    void cpuIsBitwiseEqualOnOneAndTwoThreads() {
        Case c = Case.random(3, 8 * 251, 192);
        Run one = Run.of(BackendUnderTest.cpuOneThread(), c);
        Run two = Run.of(CPU, c);
        TensorCompare.assertBitwiseEqual("out", one.out.tensor(), two.out.tensor());
        TensorCompare.assertBitwiseEqual("rstd", one.rstd.tensor(), two.rstd.tensor());
        TensorCompare.assertBitwiseEqual("gx", one.gx.tensor(), two.gx.tensor());
        TensorCompare.assertBitwiseEqual("ggamma", one.ggamma.tensor(), two.ggamma.tensor());
        TensorCompare.assertBitwiseEqual("gbeta", one.gbeta.tensor(), two.gbeta.tensor());
    }

    /** sum(out * gout) with the forward in double. */
    private static double lossInDouble(Case c) {
        int d = c.x.dim(-1);
        double loss = 0;
        for (int m = 0; m < c.rows(); m++) {
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += c.x.data()[c.x.offset() + m * d + i];
            }
            double mu = s / d;
            double sq = 0;
            for (int i = 0; i < d; i++) {
                double v = c.x.data()[c.x.offset() + m * d + i] - mu;
                sq += v * v;
            }
            double r = 1 / Math.sqrt(sq / d + EPS);
            for (int i = 0; i < d; i++) {
                double y = (c.x.data()[c.x.offset() + m * d + i] - mu) * r * c.gamma.get(i) + c.beta.get(i);
                loss += y * c.gout.data()[c.gout.offset() + m * d + i];
            }
        }
        return loss;
    }

    @Test
    void backwardMatchesCentralDifferences() {
        Case c = Case.random(7, 3, 5);
        Tensor mean = Tensor.zeros(3);
        Tensor rstd = Tensor.zeros(3);
        LayerNorm.forward(Backend.ref(), c.x, c.gamma, c.beta, EPS, Tensor.zeros(3, 5), mean, rstd);
        Tensor gx = Tensor.zeros(3, 5);
        Tensor gg = Tensor.zeros(5);
        Tensor gb = Tensor.zeros(5);
        LayerNorm.backward(Backend.ref(), c.x, c.gamma, mean, rstd, c.gout, gx, gg, gb);
        GradCheck.assertGradient("layerNorm x", c.x, gx, 1e-3, Tolerance.GRADCHECK, () -> lossInDouble(c));
        GradCheck.assertGradient("layerNorm gamma", c.gamma, gg, 1e-3, Tolerance.GRADCHECK, () -> lossInDouble(c));
        GradCheck.assertGradient("layerNorm beta", c.beta, gb, 1e-3, Tolerance.GRADCHECK, () -> lossInDouble(c));
    }

    @Test
    void rejectsBadShapesNamingOpArgumentAndExpectation() {
        Tensor x = Tensor.zeros(4, 192);
        Tensor g = Tensor.zeros(192);
        Tensor out = Tensor.zeros(4, 192);
        OpFixtures.assertRejects(() -> LayerNorm.forward(CPU, x, Tensor.zeros(193), g, EPS, out, null, null),
                "layerNorm", "gamma is [193]", "expected [width=192]");
        OpFixtures.assertRejects(() -> LayerNorm.forward(CPU, x, g, Tensor.zeros(4), EPS, out, null, null),
                "layerNorm", "beta is [4]");
        OpFixtures.assertRejects(() -> LayerNorm.forward(CPU, x, g, Tensor.zeros(192), EPS, Tensor.zeros(192, 4),
                null, null), "layerNorm", "out is [192, 4]", "expected [4, 192]");
        OpFixtures.assertRejects(() -> LayerNorm.forward(CPU, x, g, Tensor.zeros(192), EPS, out, Tensor.zeros(5),
                null), "layerNorm", "mean is [5]", "expected [rows=4]");
        OpFixtures.assertRejects(() -> LayerNorm.forward(CPU, x, g, Tensor.zeros(192), -1f, out, null, null),
                "layerNorm", "eps is -1.0");
        OpFixtures.assertRejects(() -> LayerNorm.forward(CPU, x, g, Tensor.zeros(192), EPS, x, null, null),
                "layerNorm", "out overlaps x");
        OpFixtures.assertRejects(() -> LayerNorm.backward(CPU, x, g, Tensor.zeros(4), Tensor.zeros(3), out,
                Tensor.zeros(4, 192), null, null), "layerNorm", "rstd is [3]", "expected [rows=4]");
        OpFixtures.assertRejects(() -> LayerNorm.backward(CPU, x, g, Tensor.zeros(4), Tensor.zeros(4), out,
                null, Tensor.zeros(191), null), "layerNorm", "ggamma is [191]");
    }
}
