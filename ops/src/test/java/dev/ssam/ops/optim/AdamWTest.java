package dev.ssam.ops.optim;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.ops.OpFixtures;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AdamW} on every backend: bitwise equal to Ref over three steps on both hyperparameter
 * branches (lerp weight below and above 1/2, with and without decay), and close to a
 * double-precision AdamW over five; Cpu 1 vs 2 threads bitwise; torch's scalar factors; guards;
 * argument checks. OpenCL cases skip without a device (fail under CI=true); its bitwise check needs
 * a device with correctly rounded division and sqrt.
 */
class AdamWTest {
    private static final Backend CPU = BackendUnderTest.CPU.backend();

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /** Hyperparameters of one run. */
    private record Hyper(float lr, float beta1, float beta2, float eps, float wd) {
        static final Hyper SSAM = new Hyper(1e-3f, 0.9f, 0.95f, 1e-8f, 0.05f);
    }

    /** param, m, v inside guards, advanced step by step with seeded gradients. */
    private static final class State {
        final GuardedTensor param;
        final GuardedTensor m;
        final GuardedTensor v;

        State(Tensor init) {
            param = GuardedTensor.copyOf(init);
            m = GuardedTensor.zeros(init.shape());
            v = GuardedTensor.zeros(init.shape());
        }

        void run(Backend b, Hyper h, Tensor[] grads) {
            for (int s = 0; s < grads.length; s++) {
                Tensor before = grads[s].copy();
                AdamW.step(b, param.tensor(), grads[s], m.tensor(), v.tensor(), s + 1, h.lr, h.beta1, h.beta2, h.eps,
                        h.wd);
                OpFixtures.assertUnchanged("grad", before, grads[s]);
            }
            param.assertGuardsIntact("param");
            m.assertGuardsIntact("m");
            v.assertGuardsIntact("v");
        }
    }

    private static Tensor[] grads(long seed, int steps, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor[] g = new Tensor[steps];
        for (int s = 0; s < steps; s++) {
            g[s] = OpFixtures.uniform(r, -0.1, 0.1, shape);
        }
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void bitwiseEqualToRefOverThreeSteps(BackendUnderTest under) {
        Backend b = under.backend();
        if (b instanceof Backend.OpenCl cl) {
            assumeTrue(cl.context().device().correctlyRoundedDivideSqrt(),
                    "the device does not round division and sqrt correctly");
        }
        SplittableRandom r = new SplittableRandom(61);
        Hyper[] hypers = {Hyper.SSAM, new Hyper(3e-4f, 0.3f, 0.999f, 1e-6f, 0f)};
        int[][] shapes = {{1}, {7}, {17, 33}, {129}, {1152, 192}};
        for (Hyper h : hypers) {
            for (int[] s : shapes) {
                Tensor init = OpFixtures.uniform(r, -1, 1, s);
                Tensor[] g = grads(r.nextLong(), 3, s);
                State ref = new State(init);
                State actual = new State(init);
                ref.run(Backend.ref(), h, g);
                actual.run(b, h, g);
                String n = h + " " + init.shapeString() + " on " + under;
                TensorCompare.assertBitwiseEqual(n + " param", ref.param.tensor(), actual.param.tensor());
                TensorCompare.assertBitwiseEqual(n + " m", ref.m.tensor(), actual.m.tensor());
                TensorCompare.assertBitwiseEqual(n + " v", ref.v.tensor(), actual.v.tensor());
            }
        }
    }

    @Test
    void cpuIsBitwiseEqualOnOneAndTwoThreads() {
        SplittableRandom r = new SplittableRandom(62);
        Tensor init = OpFixtures.uniform(r, -1, 1, 1152, 192);
        Tensor[] g = grads(63, 2, 1152, 192);
        State one = new State(init);
        State two = new State(init);
        one.run(BackendUnderTest.cpuOneThread(), Hyper.SSAM, g);
        two.run(CPU, Hyper.SSAM, g);
        TensorCompare.assertBitwiseEqual("param", one.param.tensor(), two.param.tensor());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void fiveStepsMatchAdamWInDouble(BackendUnderTest b) {
        SplittableRandom r = new SplittableRandom(64);
        Tensor init = OpFixtures.uniform(r, -1, 1, 33);
        Tensor[] g = grads(65, 5, 33);
        Hyper h = Hyper.SSAM;
        State s = new State(init);
        s.run(b.backend(), h, g);
        // AdamW (Loshchilov and Hutter) with torch's bias corrections, every value in double
        double lr = 1e-3;
        double b1 = 0.9;
        double b2 = 0.95;
        Tensor p = Tensor.zeros(33);
        Tensor m = Tensor.zeros(33);
        Tensor v = Tensor.zeros(33);
        for (int i = 0; i < 33; i++) {
            double pd = init.get(i);
            double md = 0;
            double vd = 0;
            for (int t = 1; t <= 5; t++) {
                double gd = g[t - 1].get(i);
                pd *= 1 - lr * 0.05;
                md = b1 * md + (1 - b1) * gd;
                vd = b2 * vd + (1 - b2) * gd * gd;
                double mhat = md / (1 - Math.pow(b1, t));
                double vhat = vd / (1 - Math.pow(b2, t));
                pd -= lr * mhat / (Math.sqrt(vhat) + 1e-8);
            }
            p.set((float) pd, i);
            m.set((float) md, i);
            v.set((float) vd, i);
        }
        TensorCompare.assertClose(b + " param", p, s.param.tensor(), b.vsRef());
        TensorCompare.assertClose(b + " m", m, s.m.tensor(), b.vsRef());
        TensorCompare.assertClose(b + " v", v, s.v.tensor(), b.vsRef());
    }

    @Test
    void firstStepMovesEveryWeightByAboutLr() {
        Tensor init = Tensor.of(new float[] {0.5f, -0.25f, 0f, 2f}, 4);
        Tensor g = Tensor.of(new float[] {0.3f, -1e-3f, 5f, -2f}, 4);
        State s = new State(init);
        s.run(Backend.ref(), new Hyper(1e-2f, 0.9f, 0.95f, 1e-8f, 0f), new Tensor[] {g});
        float[] expected = {0.49f, -0.24f, -0.01f, 2.01f};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], s.param.tensor().get(i), 2e-6f, "param " + i + " moves by lr against g");
        }
    }

    @Test
    void scalarFactorsRoundLikeTorchsPythonFloats() {
        Tensor t = Tensor.zeros(1);
        AdamW.Dims d = AdamW.check(t, Tensor.zeros(1), Tensor.zeros(1), Tensor.zeros(1), 3, 1e-3f, 0.9f, 0.95f, 1e-8f,
                0.05f);
        // torch: lerp weight float(1 - 0.9), not 1 - float(0.9) = 0.10000002f
        assertEquals(0.1f, d.weight1());
        assertEquals((float) (1 - 1e-3 * 0.05), d.decay());
        assertEquals((float) (1 - 0.95), d.weight2());
        assertEquals((float) -(1e-3 / (1 - Math.pow(0.9, 3))), d.negStep());
        assertEquals((float) Math.sqrt(1 - Math.pow(0.95, 3)), d.bc2Sqrt());
        assertEquals(0.95, AdamW.decimal(0.95f));
    }

    @Test
    void rejectsBadArgumentsNamingOpAndArgument() {
        Tensor p = Tensor.zeros(4, 3);
        Tensor g = Tensor.zeros(4, 3);
        Tensor m = Tensor.zeros(4, 3);
        Tensor v = Tensor.zeros(4, 3);
        Hyper h = Hyper.SSAM;
        OpFixtures.assertRejects(() -> AdamW.step(CPU, p, Tensor.zeros(3, 4), m, v, 1, h.lr, h.beta1, h.beta2, h.eps,
                h.wd), "adamW", "grad is [3, 4]", "expected [4, 3]");
        OpFixtures.assertRejects(() -> AdamW.step(CPU, p, g, m, m, 1, h.lr, h.beta1, h.beta2, h.eps, h.wd),
                "adamW", "v overlaps m");
        OpFixtures.assertRejects(() -> AdamW.step(CPU, p, g, m, v, 0, h.lr, h.beta1, h.beta2, h.eps, h.wd),
                "adamW", "step is 0");
        OpFixtures.assertRejects(() -> AdamW.step(CPU, p, g, m, v, 1, h.lr, 1f, h.beta2, h.eps, h.wd),
                "adamW", "beta1 is 1.0");
        OpFixtures.assertRejects(() -> AdamW.step(CPU, p, g, m, v, 1, -1e-3f, h.beta1, h.beta2, h.eps, h.wd),
                "adamW", "lr is -0.001");
        OpFixtures.assertRejects(() -> AdamW.step(CPU, p, g, m, v, 1, h.lr, h.beta1, h.beta2, Float.NaN, h.wd),
                "adamW", "eps is NaN");
    }
}
