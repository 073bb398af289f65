package dev.ssam.ops.loss;

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

/**
 * {@link MseLoss} on every backend: both objectives against Ref and the formulas in double, both
 * gradients bitwise equal to Ref, upstream scaling, masks, NaN; Cpu 1 vs 2 threads bitwise;
 * gradients against central differences; shapes. OpenCL cases skip without a device (fail under
 * CI=true).
 */
class MseLossTest {
    private static final Backend CPU = BackendUnderTest.CPU.backend();

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /** pred, target (B, P, V) and a 0/1 mask (B, P) with at least one masked patch, inside guards. */
    private record Case(Tensor pred, Tensor target, Tensor mask) {
        static Case random(long seed, int b, int p, int v) {
            SplittableRandom r = new SplittableRandom(seed);
            Tensor mask = GuardedTensor.zeros(b, p).tensor();
            for (int i = 0; i < b * p; i++) {
                mask.data()[mask.offset() + i] = i == 0 || r.nextBoolean() ? 1f : 0f;
            }
            return new Case(OpFixtures.uniform(r, -2, 2, b, p, v), OpFixtures.uniform(r, -2, 2, b, p, v), mask);
        }
    }

    /** Both losses in double, straight from the formulas. */
    private static double[] inDouble(Case c) {
        int rows = c.mask.size();
        int v = c.pred.dim(2);
        double all = 0;
        double masked = 0;
        double count = 0;
        for (int r = 0; r < rows; r++) {
            double patch = 0;
            for (int i = 0; i < v; i++) {
                double d = (double) c.pred.data()[c.pred.offset() + r * v + i]
                        - c.target.data()[c.target.offset() + r * v + i];
                patch += d * d;
            }
            all += patch;
            double w = c.mask.data()[c.mask.offset() + r];
            masked += w * patch / v;
            count += w;
        }
        return new double[] {all / ((double) rows * v), masked / count};
    }

    private static Tensor[] gradients(Backend b, Case c, float upstream) {
        GuardedTensor ga = GuardedTensor.zeros(c.pred.shape());
        GuardedTensor gm = GuardedTensor.zeros(c.pred.shape());
        MseLoss.allBackward(b, c.pred, c.target, upstream, ga.tensor());
        MseLoss.maskedBackward(b, c.pred, c.target, c.mask, upstream, gm.tensor());
        ga.assertGuardsIntact("gpred all");
        gm.assertGuardsIntact("gpred masked");
        return new Tensor[] {ga.tensor(), gm.tensor()};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefAndTheFormulasOnAwkwardAndModelShapes(BackendUnderTest under) {
        int[][] shapes = {{1, 1, 1}, {1, 7, 17}, {2, 33, 7}, {3, 129, 33}, {2, 250, 64}, {8, 250, 64}};
        int seed = 40;
        for (int[] s : shapes) {
            Case c = Case.random(seed++, s[0], s[1], s[2]);
            Tensor[] before = {c.pred.copy(), c.target.copy(), c.mask.copy()};
            double[] exact = inDouble(c);
            Backend ref = Backend.ref();
            Backend b = under.backend();
            String n = b + " " + c.pred.shapeString();
            TensorCompare.assertClose("ref " + c.pred.shapeString() + " all", OpFixtures.scalar(exact[0]),
                    OpFixtures.scalar(MseLoss.all(ref, c.pred, c.target)), Tolerance.CPU_VS_REF);
            TensorCompare.assertClose("ref " + c.pred.shapeString() + " masked", OpFixtures.scalar(exact[1]),
                    OpFixtures.scalar(MseLoss.masked(ref, c.pred, c.target, c.mask)), Tolerance.CPU_VS_REF);
            TensorCompare.assertClose(n + " all vs double", OpFixtures.scalar(exact[0]),
                    OpFixtures.scalar(MseLoss.all(b, c.pred, c.target)), under.vsRef());
            TensorCompare.assertClose(n + " masked vs double", OpFixtures.scalar(exact[1]),
                    OpFixtures.scalar(MseLoss.masked(b, c.pred, c.target, c.mask)), under.vsRef());
            TensorCompare.assertClose(n + " all vs ref", OpFixtures.scalar(MseLoss.all(ref, c.pred, c.target)),
                    OpFixtures.scalar(MseLoss.all(b, c.pred, c.target)), under.vsRef());
            TensorCompare.assertClose(n + " masked vs ref", OpFixtures.scalar(MseLoss.masked(ref, c.pred, c.target,
                    c.mask)), OpFixtures.scalar(MseLoss.masked(b, c.pred, c.target, c.mask)), under.vsRef());
            for (float upstream : new float[] {1f, 0.75f}) {
                Tensor[] expected = gradients(ref, c, upstream);
                Tensor[] actual = gradients(b, c, upstream);
                TensorCompare.assertBitwiseEqual(n + " gpred all, upstream " + upstream, expected[0], actual[0]);
                TensorCompare.assertBitwiseEqual(n + " gpred masked, upstream " + upstream, expected[1], actual[1]);
            }
            OpFixtures.assertUnchanged("pred", before[0], c.pred);
            OpFixtures.assertUnchanged("target", before[1], c.target);
            OpFixtures.assertUnchanged("mask", before[2], c.mask);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void upstreamScalesTheGradient(BackendUnderTest under) {
        Backend b = under.backend();
        Case c = Case.random(52, 2, 7, 9);
        Tensor[] one = gradients(b, c, 1f);
        Tensor[] three = gradients(b, c, 3f);
        for (int k = 0; k < 2; k++) {
            Tensor scaled = one[k].copy();
            for (int i = 0; i < scaled.size(); i++) {
                scaled.data()[i] *= 3f;
            }
            TensorCompare.assertClose(b + " upstream 3", scaled, three[k], under.vsRef());
        }
        Tensor plain = Tensor.zeros(c.pred.shape());
        MseLoss.allBackward(b, c.pred, c.target, plain);
        TensorCompare.assertBitwiseEqual(b + " default upstream is 1", one[0], plain);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void unmaskedPatchesGetZeroGradient(BackendUnderTest under) {
        Case c = Case.random(53, 2, 7, 9);
        Tensor[] g = gradients(under.backend(), c, 1f);
        for (int r = 0; r < 14; r++) {
            boolean masked = c.mask.data()[c.mask.offset() + r] != 0f;
            for (int i = 0; i < 9; i++) {
                assertEquals(masked, g[1].get(r / 7, r % 7, i) != 0f, under + " patch " + r);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nanInPredictionPropagates(BackendUnderTest under) {
        Case c = Case.random(54, 1, 4, 8);
        c.pred.set(Float.NaN, 0, 0, 3);
        for (Backend b : new Backend[] {Backend.ref(), under.backend()}) {
            assertEquals(Double.NaN, MseLoss.all(b, c.pred, c.target), b + " all");
            Tensor[] g = gradients(b, c, 1f);
            assertEquals(Float.NaN, g[0].get(0, 0, 3), b + " gpred");
            assertEquals(false, Float.isNaN(g[0].get(0, 1, 3)), b + " other patches finite");
        }
    }

    @Test
    void cpuIsBitwiseEqualOnOneAndTwoThreads() {
        Backend cpu1 = BackendUnderTest.cpuOneThread();
        Case c = Case.random(50, 8, 250, 64);
        assertEquals(MseLoss.all(cpu1, c.pred, c.target), MseLoss.all(CPU, c.pred, c.target), 0);
        assertEquals(MseLoss.masked(cpu1, c.pred, c.target, c.mask), MseLoss.masked(CPU, c.pred, c.target, c.mask), 0);
        Tensor[] one = gradients(cpu1, c, 1f);
        Tensor[] two = gradients(CPU, c, 1f);
        TensorCompare.assertBitwiseEqual("gpred all", one[0], two[0]);
        TensorCompare.assertBitwiseEqual("gpred masked", one[1], two[1]);
    }

    @Test
    void backwardMatchesCentralDifferences() {
        Case c = Case.random(51, 2, 3, 5);
        Tensor[] g = gradients(Backend.ref(), c, 1f);
        GradCheck.assertGradient("mse all", c.pred, g[0], 1e-3, Tolerance.GRADCHECK, () -> inDouble(c)[0]);
        GradCheck.assertGradient("mse masked", c.pred, g[1], 1e-3, Tolerance.GRADCHECK, () -> inDouble(c)[1]);
        GradCheck.assertGradient("mse all target", c.target, negate(g[0]), 1e-3, Tolerance.GRADCHECK,
                () -> inDouble(c)[0]);
    }

    @Test
    void rejectsBadShapesAndEmptyMasks() {
        Tensor p = Tensor.zeros(2, 250, 64);
        OpFixtures.assertRejects(() -> MseLoss.all(CPU, p, Tensor.zeros(2, 250, 63)), "mseLoss",
                "target is [2, 250, 63]",
                "expected [batch=2, patches=250, values=64]");
        OpFixtures.assertRejects(() -> MseLoss.masked(CPU, p, p, Tensor.zeros(2, 251)), "mseLoss",
                "mask is [2, 251]",
                "expected [batch=2, patches=250]");
        OpFixtures.assertRejects(() -> MseLoss.masked(CPU, p, p, Tensor.zeros(2, 250)), "mseLoss", "sums to 0.0");
        OpFixtures.assertRejects(() -> MseLoss.allBackward(CPU, p, p, Tensor.zeros(2, 250)), "mseLoss",
                "gpred is [2, 250]");
        OpFixtures.assertRejects(() -> MseLoss.allBackward(CPU, p, Tensor.zeros(2, 250, 64), p), "mseLoss",
                "gpred overlaps pred");
        OpFixtures.assertRejects(() -> MseLoss.all(CPU, Tensor.zeros(500, 64), p), "mseLoss", "pred is [500, 64]");
    }

    private static Tensor negate(Tensor t) {
        Tensor n = t.copy();
        for (int i = 0; i < n.size(); i++) {
            n.data()[i] = -n.data()[i];
        }
        return n;
    }
}
