package dev.ssam.ops.act;

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
 * {@link Activation} on every backend against Ref (awkward and model sizes, special values, guards,
 * unchanged inputs, softplus above twenty); Cpu 1 vs 2 threads bitwise; torch's values; gradients
 * against central differences; shapes. OpenCL cases skip without a device (fail under CI=true).
 */
class ActivationTest {
    private static final Backend CPU = BackendUnderTest.CPU.backend();

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /** Forward and backward outputs of one backend, inside guards. */
    private record Run(GuardedTensor out, GuardedTensor gx) {
        static Run of(Backend b, Activation act, Tensor x, Tensor gout) {
            Run r = new Run(GuardedTensor.zeros(x.shape()), GuardedTensor.zeros(x.shape()));
            Activation.forward(b, act, x, r.out.tensor());
            Activation.backward(b, act, x, gout, r.gx.tensor());
            r.out.assertGuardsIntact(act + " out on " + b);
            r.gx.assertGuardsIntact(act + " gx on " + b);
            return r;
        }
    }

    private static void compare(BackendUnderTest b, Activation act, Tensor x, Tensor gout) {
        Tensor x0 = OpFixtures.snapshot(x);
        Tensor g0 = OpFixtures.snapshot(gout);
        Run ref = Run.of(Backend.ref(), act, x, gout);
        Run actual = Run.of(b.backend(), act, x, gout);
        String name = act + " " + x.shapeString() + " on " + b;
        TensorCompare.assertClose(name + " forward", ref.out.tensor(), actual.out.tensor(), b.vsRef());
        TensorCompare.assertClose(name + " backward", ref.gx.tensor(), actual.gx.tensor(), b.vsRef());
        OpFixtures.assertUnchanged("x", x0, x);
        OpFixtures.assertUnchanged("gout", g0, gout);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnAwkwardSizes(BackendUnderTest b) {
        SplittableRandom r = new SplittableRandom(11);
        for (Activation act : Activation.values()) {
            for (int n : OpFixtures.AWKWARD) {
                compare(b, act, OpFixtures.uniform(r, -25, 25, n), OpFixtures.uniform(r, -1, 1, n));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnModelShapes(BackendUnderTest b) {
        SplittableRandom r = new SplittableRandom(12);
        // every activation at the conv output's (L, E) (SiLU there, softplus on delta), GELU also in the head (B, L, D)
        for (Activation act : Activation.values()) {
            compare(b, act, OpFixtures.uniform(r, -8, 8, 251, 576), OpFixtures.uniform(r, -1, 1, 251, 576));
        }
        compare(b, Activation.GELU, OpFixtures.uniform(r, -8, 8, 8, 251, 192),
                OpFixtures.uniform(r, -1, 1, 8, 251, 192));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nanAndInfinityAgreeWithRef(BackendUnderTest b) {
        Tensor x = Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
                1e-30f, -100f, 100f, 88.8f, -88.8f, 20f, Math.nextUp(20f), 3f}, 13);
        Tensor g = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, Float.NaN}, 13);
        for (Activation act : Activation.values()) {
            compare(b, act, OpFixtures.guarded(x), OpFixtures.guarded(g));
            Run ref = Run.of(Backend.ref(), act, x, g);
            assertEquals(Float.NaN, ref.out.tensor().get(0), act + "(NaN)");
            assertEquals(Float.NaN, ref.gx.tensor().get(12), act + " gx with NaN gout");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnSpecialValues(BackendUnderTest b) {
        float[] specials = {0f, -0f, 1e-30f, -1e-30f, 20f, 20.0001f, -20f, 88f, -88f, -104f, 1e30f, -1e30f,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Tensor x = OpFixtures.guarded(Tensor.of(specials.clone(), specials.length));
        Tensor gout = OpFixtures.uniform(new SplittableRandom(12), -1, 1, specials.length);
        for (Activation act : Activation.values()) {
            compare(b, act, x, gout);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void softplusIsTheIdentityAboveTwentyLikeTorch(BackendUnderTest under) {
        Tensor x = Tensor.of(new float[] {20f, Math.nextUp(20f), 25f, 1e30f, -30f}, 5);
        Tensor g = Tensor.of(new float[] {2f, 2f, 2f, 2f, 2f}, 5);
        for (Backend b : new Backend[] {Backend.ref(), under.backend()}) {
            Run r = Run.of(b, Activation.SOFTPLUS, x, g);
            assertEquals((float) Math.log1p(Math.exp(20)), r.out.tensor().get(0), b + " softplus(20)");
            assertEquals(Math.nextUp(20f), r.out.tensor().get(1), b + " softplus(20+)");
            assertEquals(25f, r.out.tensor().get(2), b + " softplus(25)");
            assertEquals(1e30f, r.out.tensor().get(3), b + " softplus(1e30)");
            assertEquals((float) Math.exp(-30), r.out.tensor().get(4), 1e-20, b + " softplus(-30)");
            assertEquals(2f, r.gx.tensor().get(2), b + " softplus'(25)");
        }
    }

    @Test
    void cpuIsBitwiseEqualOnOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(13);
        Tensor x = OpFixtures.uniform(r, -10, 10, 4 * 251, 576);
        Tensor g = OpFixtures.uniform(r, -1, 1, 4 * 251, 576);
        for (Activation act : Activation.values()) {
            Run one = Run.of(BackendUnderTest.cpuOneThread(), act, x, g);
            Run two = Run.of(CPU, act, x, g);
            TensorCompare.assertBitwiseEqual(act + " forward", one.out.tensor(), two.out.tensor());
            TensorCompare.assertBitwiseEqual(act + " backward", one.gx.tensor(), two.gx.tensor());
        }
    }

    @Test
    void knownValuesMatchTorch() {
        // torch.nn.functional.{silu, gelu, softplus} in float32 at 1.0 and -0.5
        assertEquals(0.7310585975646973f, Activation.SILU.apply(1f), 1e-7f);
        assertEquals(0.8413447141647339f, Activation.GELU.apply(1f), 1e-7f);
        assertEquals(-0.15426877f, Activation.GELU.apply(-0.5f), 1e-7f);
        assertEquals(1.3132616281509399f, Activation.SOFTPLUS.apply(1f), 1e-7f);
        assertEquals(0.9276705f, Activation.SILU.derivative(1f), 1e-6f);
        assertEquals(1.0833155f, Activation.GELU.derivative(1f), 1e-6f);
    }

    /** The activation in double (erf from the series in {@link VectorMathTest}). */
    private static double inDouble(Activation act, double x) {
        return switch (act) {
            case SILU -> x / (1 + Math.exp(-x));
            case GELU -> 0.5 * x * (1 + VectorMathTest.erfReference(x / Math.sqrt(2)));
            case SOFTPLUS -> x > 20 ? x : Math.log1p(Math.exp(x));
        };
    }

    private static double lossInDouble(Activation act, Tensor x, Tensor gout) {
        double s = 0;
        for (int i = 0; i < x.size(); i++) {
            s += inDouble(act, x.data()[x.offset() + i]) * gout.data()[gout.offset() + i];
        }
        return s;
    }

    @Test
    void backwardMatchesCentralDifferences() {
        SplittableRandom r = new SplittableRandom(14);
        for (Activation act : Activation.values()) {
            Tensor x = OpFixtures.uniform(r, -4, 4, 3, 5);
            Tensor gout = OpFixtures.uniform(r, -1, 1, 3, 5);
            Tensor gx = Tensor.zeros(3, 5);
            Activation.backward(Backend.ref(), act, x, gout, gx);
            GradCheck.assertGradient(act + " x", x, gx, 1e-3, Tolerance.GRADCHECK, () -> lossInDouble(act, x, gout));
            Tensor out = Tensor.zeros(3, 5);
            Activation.forward(Backend.ref(), act, x, out);
            TensorCompare.assertClose(act + " forward vs double", OpFixtures.scalar(lossInDouble(act, x, gout)),
                    OpFixtures.scalar(OpFixtures.dot(out, gout)), Tolerance.CPU_VS_REF);
        }
    }

    @Test
    void rejectsMismatchedShapesNamingOpAndArgument() {
        Tensor x = Tensor.zeros(4, 6);
        OpFixtures.assertRejects(() -> Activation.forward(CPU, Activation.GELU, x, Tensor.zeros(4, 5)),
                "gelu", "out is [4, 5]", "expected [4, 6]");
        OpFixtures.assertRejects(() -> Activation.backward(Backend.ref(), Activation.SILU, x, Tensor.zeros(6, 4),
                Tensor.zeros(4, 6)), "silu", "gout is [6, 4]");
        OpFixtures.assertRejects(() -> Activation.forward(Backend.ref(), Activation.SOFTPLUS, x, x),
                "softplus", "out overlaps x");
    }
}
