package dev.ssam.ops.act;

import dev.ssam.ops.OpFixtures;
import dev.ssam.ops.OpenClFixture;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The OpenCL {@link Activation} kernels against Ref: awkward and model sizes, special values,
 * guards and unchanged inputs. Skips without an OpenCL device (fails under CI=true).
 */
class ActivationOpenClTest {
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    private void compare(Activation act, Tensor x, Tensor gout) {
        Tensor x0 = OpFixtures.snapshot(x);
        Tensor g0 = OpFixtures.snapshot(gout);
        Tensor refOut = Tensor.zeros(x.shape());
        Tensor refGx = Tensor.zeros(x.shape());
        Activation.forward(Backend.ref(), act, x, refOut);
        Activation.backward(Backend.ref(), act, x, gout, refGx);
        GuardedTensor out = GuardedTensor.zeros(x.shape());
        GuardedTensor gx = GuardedTensor.zeros(x.shape());
        Activation.forward(gpu, act, x, out.tensor());
        Activation.backward(gpu, act, x, gout, gx.tensor());
        String name = act + " " + x.shapeString();
        TensorCompare.assertClose(name + " forward", refOut, out.tensor(), Tolerance.GPU_VS_REF);
        TensorCompare.assertClose(name + " backward", refGx, gx.tensor(), Tolerance.GPU_VS_REF);
        out.assertGuardsIntact(name + " out");
        gx.assertGuardsIntact(name + " gx");
        OpFixtures.assertUnchanged("x", x0, x);
        OpFixtures.assertUnchanged("gout", g0, gout);
    }

    @Test
    void matchesRefOnAwkwardAndModelSizes() {
        SplittableRandom r = new SplittableRandom(11);
        for (Activation act : Activation.values()) {
            for (int n : OpFixtures.AWKWARD) {
                compare(act, OpFixtures.uniform(r, -25, 25, n), OpFixtures.uniform(r, -1, 1, n));
            }
            compare(act, OpFixtures.uniform(r, -8, 8, 251, 576), OpFixtures.uniform(r, -1, 1, 251, 576));
        }
    }

    @Test
    void matchesRefOnSpecialValues() {
        float[] specials = {0f, -0f, 1e-30f, -1e-30f, 20f, 20.0001f, -20f, 88f, -88f, -104f, 1e30f, -1e30f,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Tensor x = OpFixtures.guarded(Tensor.of(specials.clone(), specials.length));
        Tensor gout = OpFixtures.uniform(new SplittableRandom(12), -1, 1, specials.length);
        for (Activation act : Activation.values()) {
            compare(act, x, gout);
        }
    }
}
