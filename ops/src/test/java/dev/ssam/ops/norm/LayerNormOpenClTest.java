package dev.ssam.ops.norm;

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

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenCL {@link LayerNorm} against Ref: every output and gradient on awkward and model shapes
 * (guards, unchanged inputs), absent gradients, NaN rows. Skips without an OpenCL device (fails
 * under CI=true).
 */
class LayerNormOpenClTest {
    private static final float EPS = 1e-6f;
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    /** x with a per-row offset (a non-zero mean), gamma, beta, gout, inside guards. */
    private static Tensor[] random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = shape[shape.length - 1];
        Tensor x = OpFixtures.uniform(r, -2, 2, shape);
        for (int m = 0; m < x.size() / d; m++) {
            float shift = (float) r.nextDouble(-3, 3);
            for (int i = 0; i < d; i++) {
                x.data()[x.offset() + m * d + i] += shift;
            }
        }
        return new Tensor[] {x, OpFixtures.uniform(r, 0.5, 1.5, d), OpFixtures.uniform(r, -0.5, 0.5, d),
                OpFixtures.uniform(r, -1, 1, shape)};
    }

    /** out, mean, rstd, gx, ggamma, gbeta of one backend (backward from its own saved statistics). */
    private static Tensor[] run(Backend b, Tensor[] c) {
        Tensor x = c[0];
        int d = x.dim(-1);
        int rows = x.size() / d;
        GuardedTensor[] g = {GuardedTensor.zeros(x.shape()), GuardedTensor.zeros(rows), GuardedTensor.zeros(rows),
                GuardedTensor.zeros(x.shape()), GuardedTensor.zeros(d), GuardedTensor.zeros(d)};
        LayerNorm.forward(b, x, c[1], c[2], EPS, g[0].tensor(), g[1].tensor(), g[2].tensor());
        LayerNorm.backward(b, x, c[1], g[1].tensor(), g[2].tensor(), c[3], g[3].tensor(), g[4].tensor(),
                g[5].tensor());
        Tensor[] out = new Tensor[g.length];
        for (int i = 0; i < g.length; i++) {
            g[i].assertGuardsIntact("layerNorm output " + i);
            out[i] = g[i].tensor();
        }
        return out;
    }

    private void compare(Tensor[] c) {
        Tensor[] before = {c[0].copy(), c[1].copy(), c[2].copy(), c[3].copy()};
        Tensor[] ref = run(Backend.ref(), c);
        Tensor[] dev = run(gpu, c);
        String[] names = {"out", "mean", "rstd", "gx", "ggamma", "gbeta"};
        for (int i = 0; i < names.length; i++) {
            TensorCompare.assertClose("layerNorm " + c[0].shapeString() + " " + names[i], ref[i], dev[i],
                    Tolerance.GPU_VS_REF);
        }
        String[] inputs = {"x", "gamma", "beta", "gout"};
        for (int i = 0; i < inputs.length; i++) {
            OpFixtures.assertUnchanged(inputs[i], before[i], c[i]);
        }
    }

    @Test
    void matchesRefOnAwkwardSizes() {
        int i = 0;
        for (int rows : OpFixtures.AWKWARD) {
            for (int d : OpFixtures.AWKWARD) {
                compare(random(30 + i++, rows, d));
            }
        }
        compare(random(29, 3, 5, 300));
    }

    @Test
    void matchesRefOnModelShapes() {
        compare(random(31, 2, 251, 192));
        compare(random(32, 2, 250, 64));
    }

    @Test
    void backwardSkipsNullGradients() {
        Tensor[] c = random(33, 17, 33);
        Tensor[] ref = run(Backend.ref(), c);
        GuardedTensor gbeta = GuardedTensor.zeros(33);
        LayerNorm.backward(gpu, c[0], c[1], ref[1], ref[2], c[3], null, null, gbeta.tensor());
        TensorCompare.assertClose("gbeta alone", ref[5], gbeta.tensor(), Tolerance.GPU_VS_REF);
        gbeta.assertGuardsIntact("gbeta");
    }

    @Test
    void aNanRowBecomesNanAndLeavesOtherRowsAlone() {
        Tensor[] c = random(34, 4, 33);
        c[0].set(Float.NaN, 2, 5);
        Tensor out = Tensor.zeros(4, 33);
        Tensor rstd = Tensor.zeros(4);
        LayerNorm.forward(gpu, c[0], c[1], c[2], EPS, out, null, rstd);
        assertTrue(Float.isNaN(rstd.get(2)), "rstd of the NaN row");
        for (int i = 0; i < 33; i++) {
            assertTrue(Float.isNaN(out.get(2, i)), "out[2, " + i + "]");
            assertFalse(Float.isNaN(out.get(1, i)), "out[1, " + i + "]");
        }
    }
}
