package dev.ssam.ops.matmul;

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

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Matmul#linear}, {@link Matmul#linearAccumulate}, {@link Matmul#linearBackward} and
 * {@link Matmul#linearBackwardAccumulate} on every backend against Ref: the model's
 * projections, awkward and batched shapes, any leading dimensions, absent gradients; guards and
 * unchanged inputs; Cpu 1 vs 2 threads bitwise; central differences on Ref; shape errors. OpenCL
 * cases skip without a device (fail under CI=true).
 */
class MatmulTest {
    /** (K, N, bias) of in_proj, out_proj, x_proj, dt_proj, the patch embedding and a prediction head. */
    private static final int[][] PROJECTIONS = {{192, 1152, 0}, {576, 192, 0}, {576, 60, 0}, {12, 576, 1},
        {64, 192, 1}, {192, 64, 1}};
    private static final Backend CPU = BackendUnderTest.CPU.backend();

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    private static Tensor random(SplittableRandom rnd, double scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (rnd.nextDouble(-1, 1) * scale);
        }
        return t;
    }

    /** Forward on one backend into a guarded output; checks guards and that inputs are unchanged. */
    private static Tensor forward(Backend b, Tensor x, Tensor w, Tensor bias, int n) {
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        GuardedTensor out = GuardedTensor.zeros(shape);
        Tensor x0 = x.copy();
        Tensor w0 = w.copy();
        Matmul.linear(b, x, w, bias, out.tensor());
        out.assertGuardsIntact(b + " linear out");
        TensorCompare.assertBitwiseEqual(b + " x unchanged", x0, x);
        TensorCompare.assertBitwiseEqual(b + " w unchanged", w0, w);
        return out.tensor().copy();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void linearMatchesRefOnModelProjections(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int[] p : PROJECTIONS) {
            int k = p[0];
            int n = p[1];
            Tensor x = random(rnd, 1, 1, 251, k);                      // (B, L, K)
            Tensor w = random(rnd, 1 / Math.sqrt(k), n, k);             // (N, K)
            Tensor bias = p[2] == 1 ? random(rnd, 1, n) : null;         // (N)
            String name = "linear K=" + k + " N=" + n;
            Tensor ref = forward(Backend.ref(), x, w, bias, n);
            Tensor actual = forward(b.backend(), x, w, bias, n);
            TensorCompare.assertClose(name + " " + b + " vs ref", ref, actual, b.vsRefReduction());
            b.assertSameOnOneThread(name, actual, be -> forward(be, x, w, bias, n));
        }
    }

    /** out += x w^T equals linear into a temporary, then the add, on Ref; other backends within their tolerance. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void linearAccumulateAddsTheProductIntoOut(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(29);
        int[][] shapes = {{576, 192, 2, 251}, {7, 5, 3, 17}, {1, 1, 1, 1}};   // K, N, B, L
        for (int[] sh : shapes) {
            int k = sh[0];
            int n = sh[1];
            Tensor x = random(rnd, 1, sh[2], sh[3], k);                    // (B, L, K)
            Tensor w = random(rnd, 1 / Math.sqrt(k), n, k);                // (N, K)
            Tensor start = random(rnd, 1, sh[2], sh[3], n);                // (B, L, N)
            Tensor product = forward(Backend.ref(), x, w, null, n);
            Tensor expected = start.copy();
            for (int i = 0; i < expected.size(); i++) {
                expected.data()[i] = start.data()[i] + product.data()[i];
            }
            for (Backend be : List.of(Backend.ref(), b.backend())) {   // Ref bitwise, the backend within tolerance
                GuardedTensor out = GuardedTensor.zeros(sh[2], sh[3], n);
                System.arraycopy(start.data(), 0, out.tensor().data(), out.tensor().offset(), start.size());
                Tensor x0 = x.copy();
                Matmul.linearAccumulate(be, x, w, out.tensor());
                String name = "linearAccumulate K=" + k + " N=" + n + " " + be.name();
                if (be instanceof Backend.Ref) {
                    TensorCompare.assertBitwiseEqual(name, expected, out.tensor());
                } else {
                    TensorCompare.assertClose(name, expected, out.tensor(), b.vsRefReduction());
                }
                out.assertGuardsIntact(name + " out");
                TensorCompare.assertBitwiseEqual(name + " x unchanged", x0, x);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void linearFlattensAnyLeadingDimensions(BackendUnderTest under) {
        SplittableRandom rnd = new SplittableRandom(12);
        Tensor x = random(rnd, 1, 2, 3, 5, 17);     // (2, 3, 5, K)
        Tensor w = random(rnd, 0.25, 33, 17);       // (N, K)
        Tensor bias = random(rnd, 1, 33);
        for (Backend b : new Backend[] {Backend.ref(), under.backend()}) {
            Tensor out4 = forward(b, x, w, bias, 33);
            Tensor out2 = forward(b, x.reshape(30, 17), w, bias, 33);
            assertTrue(out4.hasShape(2, 3, 5, 33), "shape " + out4.shapeString());
            TensorCompare.assertBitwiseEqual(b + " rank 4 vs rank 2", out2, out4.reshape(30, 33));
        }
    }

    /** Backward on one backend into guarded outputs (a null flag skips that output). */
    private static Tensor[] backward(Backend b, Tensor x, Tensor w, Tensor gout, boolean wantGx, boolean wantGw,
                                     boolean wantGbias) {
        GuardedTensor gx = wantGx ? GuardedTensor.zeros(x.shape()) : null;
        GuardedTensor gw = wantGw ? GuardedTensor.zeros(w.shape()) : null;
        GuardedTensor gb = wantGbias ? GuardedTensor.zeros(w.dim(0)) : null;
        Tensor x0 = x.copy();
        Tensor w0 = w.copy();
        Tensor g0 = gout.copy();
        Matmul.linearBackward(b, x, w, gout, gx == null ? null : gx.tensor(), gw == null ? null : gw.tensor(),
                gb == null ? null : gb.tensor());
        TensorCompare.assertBitwiseEqual(b + " x unchanged", x0, x);
        TensorCompare.assertBitwiseEqual(b + " w unchanged", w0, w);
        TensorCompare.assertBitwiseEqual(b + " gout unchanged", g0, gout);
        Tensor[] result = new Tensor[3];
        GuardedTensor[] all = {gx, gw, gb};
        for (int i = 0; i < 3; i++) {
            if (all[i] != null) {
                all[i].assertGuardsIntact(b + " gradient " + i);
                result[i] = all[i].tensor().copy();
            }
        }
        return result;
    }

    /**
     * gx += gout w: the input gradient added into what gx holds (on Ref, bitwise the backward into a
     * temporary, then the add), gw overwritten as linearBackward's; other backends within their
     * tolerance.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void linearBackwardAccumulateAddsTheInputGradientIntoGx(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(31);
        int[][] shapes = {{576, 60, 2, 251}, {192, 576, 1, 17}, {7, 5, 3, 17}, {1, 1, 1, 1}};   // K, N, B, L
        for (int[] sh : shapes) {
            int k = sh[0];
            int n = sh[1];
            Tensor x = random(rnd, 1, sh[2], sh[3], k);                    // (B, L, K)
            Tensor w = random(rnd, 1 / Math.sqrt(k), n, k);                // (N, K)
            Tensor gout = random(rnd, 1 / Math.sqrt(n), sh[2], sh[3], n);  // (B, L, N)
            Tensor start = random(rnd, 1, sh[2], sh[3], k);                // what gx holds before
            Tensor[] ref = backward(Backend.ref(), x, w, gout, true, true, false);
            Tensor expected = start.copy();
            for (int i = 0; i < expected.size(); i++) {
                expected.data()[i] = start.data()[i] + ref[0].data()[i];
            }
            for (Backend be : List.of(Backend.ref(), b.backend())) {   // Ref bitwise, the backend within tolerance
                GuardedTensor gx = GuardedTensor.zeros(sh[2], sh[3], k);
                System.arraycopy(start.data(), 0, gx.tensor().data(), gx.tensor().offset(), start.size());
                Tensor gw = Tensor.zeros(n, k);
                gw.fill(Float.NaN);   // overwritten, not accumulated
                Matmul.linearBackwardAccumulate(be, x, w, gout, gx.tensor(), gw, null);
                String name = "linearBackwardAccumulate K=" + k + " N=" + n + " " + be.name();
                if (be instanceof Backend.Ref) {
                    TensorCompare.assertBitwiseEqual(name + " gx", expected, gx.tensor());
                    TensorCompare.assertBitwiseEqual(name + " gw", ref[1], gw);
                } else {
                    TensorCompare.assertClose(name + " gx", expected, gx.tensor(), b.vsRefReduction());
                    TensorCompare.assertClose(name + " gw", ref[1], gw, b.vsRefReduction());
                }
                gx.assertGuardsIntact(name + " gx");
            }
        }
        assertRejected(() -> Matmul.linearBackwardAccumulate(b.backend(), Tensor.zeros(2, 3), Tensor.zeros(4, 3),
                Tensor.zeros(2, 4), null, null, null), "linearBackward", "gx is missing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void linearBackwardMatchesRefOnModelProjections(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int[] p : PROJECTIONS) {
            int k = p[0];
            int n = p[1];
            String name = "linearBackward K=" + k + " N=" + n;
            Tensor x = random(rnd, 1, 251, k);
            Tensor w = random(rnd, 1 / Math.sqrt(k), n, k);
            Tensor gout = random(rnd, 1 / Math.sqrt(n), 251, n);
            Tensor[] ref = backward(Backend.ref(), x, w, gout, true, true, true);
            Tensor[] actual = backward(b.backend(), x, w, gout, true, true, true);
            TensorCompare.assertClose(name + " gx", ref[0], actual[0], b.vsRefReduction());
            TensorCompare.assertClose(name + " gw", ref[1], actual[1], b.vsRefReduction());
            b.assertMatchesRefBitwiseOnCpu(name + " gbias " + b + " vs ref", ref[2], actual[2]);
            for (int i = 0; i < 3; i++) {
                int gradient = i;
                b.assertSameOnOneThread(name + " gradient " + i, actual[i],
                        be -> backward(be, x, w, gout, true, true, true)[gradient]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void linearForwardAndBackwardMatchRefOnAwkwardAndBatchedShapes(BackendUnderTest b) {
        SplittableRandom r = new SplittableRandom(9);
        // (B, L, K, N)
        int[][] shapes = {{2, 251, 192, 1152}, {1, 7, 17, 33}, {3, 1, 129, 1}};
        for (int[] s : shapes) {
            Tensor x = OpFixtures.uniform(r, -1, 1, s[0], s[1], s[2]);
            Tensor w = OpFixtures.uniform(r, -0.1, 0.1, s[3], s[2]);
            Tensor bias = OpFixtures.uniform(r, -1, 1, s[3]);
            Tensor gout = OpFixtures.uniform(r, -1, 1, s[0], s[1], s[3]);
            String n = "linear " + x.shapeString() + " x " + w.shapeString() + " on " + b;
            Tensor ref = forward(Backend.ref(), x, w, bias, s[3]);
            Tensor out = forward(b.backend(), x, w, bias, s[3]);
            TensorCompare.assertClose(n + " out", ref, out, b.vsRefReduction());
            Tensor[] refGrads = backward(Backend.ref(), x, w, gout, true, true, true);
            Tensor[] grads = backward(b.backend(), x, w, gout, true, true, true);
            TensorCompare.assertClose(n + " gx", refGrads[0], grads[0], b.vsRefReduction());
            TensorCompare.assertClose(n + " gw", refGrads[1], grads[1], b.vsRefReduction());
            b.assertMatchesRefBitwiseOnCpu(n + " gbias", refGrads[2], grads[2]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void linearBackwardSkipsNullOutputs(BackendUnderTest under) {
        SplittableRandom rnd = new SplittableRandom(14);
        Tensor x = random(rnd, 1, 3, 7, 17);
        Tensor w = random(rnd, 0.25, 33, 17);
        Tensor gout = random(rnd, 1, 3, 7, 33);
        for (Backend b : new Backend[] {Backend.ref(), under.backend()}) {
            Tensor[] all = backward(b, x, w, gout, true, true, true);
            Tensor[] onlyGw = backward(b, x, w, gout, false, true, false);
            Tensor[] gxAndBias = backward(b, x, w, gout, true, false, true);
            TensorCompare.assertBitwiseEqual(b + " gw alone", all[1], onlyGw[1]);
            TensorCompare.assertBitwiseEqual(b + " gx without gw", all[0], gxAndBias[0]);
            TensorCompare.assertBitwiseEqual(b + " gbias without gw", all[2], gxAndBias[2]);
        }
    }

    @Test
    void gradientsMatchCentralDifferencesOnRef() {
        SplittableRandom rnd = new SplittableRandom(15);
        Tensor x = random(rnd, 1, 2, 3, 5);     // (B, L, K)
        Tensor w = random(rnd, 1, 4, 5);        // (N, K)
        Tensor bias = random(rnd, 1, 4);        // (N)
        Tensor gout = random(rnd, 1, 2, 3, 4);  // (B, L, N)
        Tensor gx = Tensor.zeros(2, 3, 5);
        Tensor gw = Tensor.zeros(4, 5);
        Tensor gb = Tensor.zeros(4);
        Matmul.linearBackward(Backend.ref(), x, w, gout, gx, gw, gb);
        Tensor out = Tensor.zeros(2, 3, 4);
        GradCheck.Loss loss = () -> {
            Matmul.linear(Backend.ref(), x, w, bias, out);
            double s = 0;
            for (int i = 0; i < out.size(); i++) {
                s += (double) out.data()[i] * gout.data()[i];
            }
            return s;
        };
        // The loss is linear in each input, so a large step has no truncation error and keeps float rounding small.
        double h = 0.25;
        GradCheck.assertGradient("linear x", x, gx, h, Tolerance.GRADCHECK, loss);
        GradCheck.assertGradient("linear w", w, gw, h, Tolerance.GRADCHECK, loss);
        GradCheck.assertGradient("linear bias", bias, gb, h, Tolerance.GRADCHECK, loss);
    }

    private static void assertRejected(Runnable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void rejectsWeightWithOtherInFeatures() {
        Tensor x = Tensor.zeros(251, 192);
        assertRejected(() -> Matmul.linear(CPU, x, Tensor.zeros(1152, 191), null, Tensor.zeros(251, 1152)),
                "linear: w is [1152, 191], expected [N=1152, K=192]");
    }

    @Test
    void rejectsBiasOfWrongLength() {
        assertRejected(() -> Matmul.linear(CPU, Tensor.zeros(251, 12), Tensor.zeros(576, 12), Tensor.zeros(575),
                Tensor.zeros(251, 576)), "linear: bias is [575], expected [N=576]");
    }

    @Test
    void rejectsOutOfWrongShape() {
        assertRejected(() -> Matmul.linear(CPU, Tensor.zeros(2, 251, 192), Tensor.zeros(1152, 192), null,
                Tensor.zeros(502, 1152)), "linear: out is [502, 1152], expected [2, 251, 1152]");
        assertRejected(() -> Matmul.linear(Backend.ref(), Tensor.zeros(192), Tensor.zeros(1152, 192), null,
                Tensor.zeros(1152)), "linear: x is [192] (rank 1), expected rank 2");
    }

    @Test
    void rejectsOutputOverlappingInput() {
        Tensor x = Tensor.zeros(8, 8);
        assertRejected(() -> Matmul.linear(CPU, x, Tensor.zeros(8, 8), null, x), "linear: out overlaps x");
    }

    @Test
    void backwardRejectsMismatchedGradients() {
        Tensor x = Tensor.zeros(251, 576);
        Tensor w = Tensor.zeros(60, 576);
        assertRejected(() -> Matmul.linearBackward(CPU, x, w, Tensor.zeros(251, 61), null, null, null),
                "linearBackward: gout is [251, 61], expected [251, 60]");
        assertRejected(() -> Matmul.linearBackward(CPU, x, w, Tensor.zeros(251, 60), null, Tensor.zeros(576, 60), null),
                "linearBackward: gw is [576, 60], expected [N=60, K=576]");
        assertRejected(() -> Matmul.linearBackward(CPU, x, w, Tensor.zeros(251, 60), Tensor.zeros(251, 60), null, null),
                "linearBackward: gx is [251, 60], expected [251, 576]");
    }
}
