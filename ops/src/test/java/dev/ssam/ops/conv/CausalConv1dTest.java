package dev.ssam.ops.conv;

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
 * {@link CausalConv1d} on every backend against Ref (awkward and model shapes, guards, unchanged
 * inputs, NaN, requested gradients only); Cpu 1 vs 2 threads bitwise and causality; gradients
 * against central differences; shapes. OpenCL cases skip without a device (fail under CI=true).
 */
class CausalConv1dTest {
    private static final Backend CPU = BackendUnderTest.CPU.backend();

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /** One random problem: inputs inside guards. */
    private record Case(Tensor x, Tensor w, Tensor bias, Tensor gout, boolean silu) {
        static Case random(long seed, int b, int l, int e, int k, boolean hasBias, boolean silu) {
            SplittableRandom r = new SplittableRandom(seed);
            return new Case(OpFixtures.uniform(r, -2, 2, b, l, e), OpFixtures.uniform(r, -0.6, 0.6, e, k),
                    hasBias ? OpFixtures.uniform(r, -0.5, 0.5, e) : null, OpFixtures.uniform(r, -1, 1, b, l, e), silu);
        }

        String name() {
            return "conv x" + x.shapeString() + " K=" + w.dim(1) + (bias == null ? " no bias" : "")
                    + (silu ? " silu" : "");
        }
    }

    /** Forward output and every gradient of one backend, inside guards. */
    private record Run(GuardedTensor out, GuardedTensor gx, GuardedTensor gw, GuardedTensor gb) {
        static Run of(Backend be, Case c) {
            Run r = new Run(GuardedTensor.zeros(c.x.shape()), GuardedTensor.zeros(c.x.shape()),
                    GuardedTensor.zeros(c.w.shape()), GuardedTensor.zeros(c.w.dim(0)));
            CausalConv1d.forward(be, c.x, c.w, c.bias, c.silu, r.out.tensor());
            CausalConv1d.backward(be, c.x, c.w, c.bias, c.silu, c.gout, r.gx.tensor(), r.gw.tensor(),
                    c.bias == null ? null : r.gb.tensor());
            r.out.assertGuardsIntact("out");
            r.gx.assertGuardsIntact("gx");
            r.gw.assertGuardsIntact("gw");
            r.gb.assertGuardsIntact("gbias");
            return r;
        }
    }

    private static void compare(BackendUnderTest b, Case c) {
        Tensor[] before = {OpFixtures.snapshot(c.x), OpFixtures.snapshot(c.w), OpFixtures.snapshot(c.bias),
                OpFixtures.snapshot(c.gout)};
        Run ref = Run.of(Backend.ref(), c);
        Run actual = Run.of(b.backend(), c);
        String n = c.name() + " on " + b;
        TensorCompare.assertClose(n + " out", ref.out.tensor(), actual.out.tensor(), b.vsRef());
        TensorCompare.assertClose(n + " gx", ref.gx.tensor(), actual.gx.tensor(), b.vsRef());
        TensorCompare.assertClose(n + " gw", ref.gw.tensor(), actual.gw.tensor(), b.vsRefReduction());
        TensorCompare.assertClose(n + " gbias", ref.gb.tensor(), actual.gb.tensor(), b.vsRefReduction());
        OpFixtures.assertUnchanged("x", before[0], c.x);
        OpFixtures.assertUnchanged("weight", before[1], c.w);
        OpFixtures.assertUnchanged("bias", before[2], c.bias);
        OpFixtures.assertUnchanged("gout", before[3], c.gout);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnAwkwardSizes(BackendUnderTest b) {
        int[] kernels = {1, 4, 5};
        int i = 0;
        for (int e : OpFixtures.AWKWARD) {
            for (int l : OpFixtures.AWKWARD) {
                if (l == 129 && e == 129) {
                    continue;
                }
                compare(b, Case.random(100 + i, 1 + i % 2, l, e, kernels[i % 3], i % 4 != 1, i % 3 != 2));
                i++;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnTheModelShape(BackendUnderTest b) {
        compare(b, Case.random(7, 2, 251, 576, 4, true, true));
        compare(b, Case.random(8, 1, 251, 576, 4, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nanSpreadsOnlyToTheTapsThatReadIt(BackendUnderTest b) {
        Case c = Case.random(11, 2, 9, 7, 4, true, true);
        c.x.set(Float.NaN, 1, 2, 3);
        compare(b, c);
        Tensor out = Tensor.zeros(2, 9, 7);
        CausalConv1d.forward(b.backend(), c.x, c.w, c.bias, true, out);
        for (int t = 0; t < 9; t++) {
            for (int e = 0; e < 7; e++) {
                assertEquals(e == 3 && t >= 2 && t <= 5, Float.isNaN(out.get(1, t, e)),
                        b + " NaN at (1, " + t + ", " + e + ")");
                assertFalse(Float.isNaN(out.get(0, t, e)), b + " batch 0 is unaffected");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void backwardComputesOnlyTheRequestedGradients(BackendUnderTest under) {
        Case c = Case.random(13, 1, 7, 17, 4, true, true);
        GuardedTensor gw = GuardedTensor.zeros(17, 4);
        for (Backend b : new Backend[] {Backend.ref(), under.backend()}) {
            CausalConv1d.backward(b, c.x, c.w, c.bias, true, c.gout, null, gw.tensor(), null);
            gw.assertGuardsIntact("gw alone on " + b);
            assertTrue(gw.tensor().get(0, 0) != 0f, b + " gw written");
        }
        Case d = Case.random(9, 2, 17, 7, 4, true, true);
        Tensor gbRef = Tensor.zeros(7);
        CausalConv1d.backward(Backend.ref(), d.x, d.w, d.bias, true, d.gout, null, null, gbRef);
        GuardedTensor gb = GuardedTensor.zeros(7);
        CausalConv1d.backward(under.backend(), d.x, d.w, d.bias, true, d.gout, null, null, gb.tensor());
        TensorCompare.assertClose("gbias alone on " + under, gbRef, gb.tensor(), under.vsRefReduction());
        gb.assertGuardsIntact("gbias alone on " + under);
    }

    @Test
    void cpuIsBitwiseEqualOnOneAndTwoThreads() {
        Case c = Case.random(9, 3, 251, 576, 4, true, true);
        Run one = Run.of(BackendUnderTest.cpuOneThread(), c);
        Run two = Run.of(CPU, c);
        TensorCompare.assertBitwiseEqual("out", one.out.tensor(), two.out.tensor());
        TensorCompare.assertBitwiseEqual("gx", one.gx.tensor(), two.gx.tensor());
        TensorCompare.assertBitwiseEqual("gw", one.gw.tensor(), two.gw.tensor());
        TensorCompare.assertBitwiseEqual("gbias", one.gb.tensor(), two.gb.tensor());
    }

    @Test
    void outputIsCausal() {
        Case c = Case.random(10, 1, 12, 3, 4, true, false);
        Tensor a = Tensor.zeros(1, 12, 3);
        CausalConv1d.forward(Backend.ref(), c.x, c.w, c.bias, false, a);
        c.x.set(c.x.get(0, 7, 1) + 1f, 0, 7, 1);
        Tensor b = Tensor.zeros(1, 12, 3);
        CausalConv1d.forward(CPU, c.x, c.w, c.bias, false, b);
        for (int t = 0; t < 12; t++) {
            for (int e = 0; e < 3; e++) {
                boolean affected = e == 1 && t >= 7 && t < 7 + 4;
                assertEquals(affected, Math.abs(a.get(0, t, e) - b.get(0, t, e)) > 1e-6,
                        "t=" + t + " e=" + e + " changes only at t in [7, 11) of channel 1");
            }
        }
    }

    /** sum(out * gout) with the forward evaluated in double, so central differences see no float rounding. */
    private static double lossInDouble(Case c) {
        int nb = c.x.dim(0);
        int n = c.x.dim(1);
        int e = c.x.dim(2);
        int k = c.w.dim(1);
        double loss = 0;
        for (int b = 0; b < nb; b++) {
            for (int t = 0; t < n; t++) {
                for (int ch = 0; ch < e; ch++) {
                    double pre = c.bias == null ? 0 : c.bias.get(ch);
                    for (int j = 0; j < k; j++) {
                        int s = t - (k - 1) + j;
                        pre += s < 0 ? 0 : (double) c.w.get(ch, j) * c.x.get(b, s, ch);
                    }
                    double out = c.silu ? pre / (1 + Math.exp(-pre)) : pre;
                    loss += out * c.gout.get(b, t, ch);
                }
            }
        }
        return loss;
    }

    @Test
    void backwardMatchesCentralDifferences() {
        for (boolean silu : new boolean[] {false, true}) {
            Case c = Case.random(12, 2, 6, 3, 4, true, silu);
            Tensor gx = Tensor.zeros(c.x.shape());
            Tensor gw = Tensor.zeros(c.w.shape());
            Tensor gb = Tensor.zeros(3);
            CausalConv1d.backward(Backend.ref(), c.x, c.w, c.bias, silu, c.gout, gx, gw, gb);
            GradCheck.assertGradient("conv x", c.x, gx, 1e-3, Tolerance.GRADCHECK, () -> lossInDouble(c));
            GradCheck.assertGradient("conv weight", c.w, gw, 1e-3, Tolerance.GRADCHECK, () -> lossInDouble(c));
            GradCheck.assertGradient("conv bias", c.bias, gb, 1e-3, Tolerance.GRADCHECK, () -> lossInDouble(c));
        }
    }

    @Test
    void refForwardMatchesDoublePrecision() {
        Case c = Case.random(14, 2, 6, 3, 4, true, true);
        Tensor out = Tensor.zeros(c.x.shape());
        CausalConv1d.forward(Backend.ref(), c.x, c.w, c.bias, true, out);
        TensorCompare.assertClose("conv loss", OpFixtures.scalar(lossInDouble(c)),
                OpFixtures.scalar(OpFixtures.dot(out, c.gout)), Tolerance.CPU_VS_REF);
    }

    @Test
    void rejectsBadShapesNamingOpArgumentAndExpectation() {
        Tensor x = Tensor.zeros(2, 64, 16);
        Tensor w = Tensor.zeros(16, 4);
        Tensor out = Tensor.zeros(2, 64, 16);
        OpFixtures.assertRejects(() -> CausalConv1d.forward(CPU, x, Tensor.zeros(17, 4), null, true, out),
                "causalConv1d", "weight is [17, 4]", "expected [channels=16, kernel=4]");
        OpFixtures.assertRejects(() -> CausalConv1d.forward(CPU, x, Tensor.zeros(16, 1, 4), null, true, out),
                "causalConv1d", "weight is [16, 1, 4]", "rank 2");
        OpFixtures.assertRejects(() -> CausalConv1d.forward(CPU, Tensor.zeros(64, 16), w, null, true, out),
                "causalConv1d", "x is [64, 16]");
        OpFixtures.assertRejects(() -> CausalConv1d.forward(CPU, x, w, Tensor.zeros(15), true, out),
                "causalConv1d", "bias is [15]", "expected [channels=16]");
        OpFixtures.assertRejects(() -> CausalConv1d.forward(CPU, x, w, null, true, Tensor.zeros(2, 63, 16)),
                "causalConv1d", "out is [2, 63, 16]", "expected [batch=2, len=64, channels=16]");
        OpFixtures.assertRejects(() -> CausalConv1d.forward(CPU, x, w, null, true, x),
                "causalConv1d", "out overlaps x");
        OpFixtures.assertRejects(() -> CausalConv1d.backward(CPU, x, w, null, true, out, Tensor.zeros(2, 64, 15),
                null, null), "causalConv1d", "gx is [2, 64, 15]");
        OpFixtures.assertRejects(() -> CausalConv1d.backward(CPU, x, w, null, true, out, null, Tensor.zeros(16, 3),
                null), "causalConv1d", "gw is [16, 3]", "expected [channels=16, kernel=4]");
    }
}
