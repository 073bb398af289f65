package dev.ssam.ops.matmul;

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

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenCL tiled {@link Gemm} and the {@link Matmul} layer against Ref: every transpose and
 * alpha/beta variant on awkward sizes with offsets and padded leading dimensions (gap columns
 * untouched), the model projections, the linear layer's forward and backward, and BLAS edge
 * conventions. Skips without an OpenCL device (fails under CI=true).
 */
class GemmOpenClTest {
    private static final int[] SIZES = {1, 7, 17, 33, 129};
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {1f, 1f}, {0.5f, -2f}, {-1.25f, 0.75f}};
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    private void verify(GemmCase c) {
        TensorCompare.assertClose(c + " opencl vs ref", c.run(Backend.ref()), c.run(gpu), Tolerance.GPU_VS_REF);
    }

    @Test
    void matchesRefOnAwkwardSizesForEveryTransposeAndScale() {
        SplittableRandom rnd = new SplittableRandom(20240601);
        int i = 0;
        for (int t = 0; t < 4; t++) {
            for (int m : SIZES) {
                for (int n : SIZES) {
                    for (int k : SIZES) {
                        float[] ab = ALPHA_BETA[i++ % ALPHA_BETA.length];
                        verify(GemmCase.random(rnd, (t & 1) != 0, (t & 2) != 0, m, n, k, ab[0], ab[1], true));
                    }
                }
            }
        }
    }

    @Test
    void matchesRefOnModelShapesForEveryTranspose() {
        SplittableRandom rnd = new SplittableRandom(7);
        // (m, k, n) of in_proj, out_proj, x_proj, dt_proj at one clip (L = 251)
        int[][] shapes = {{251, 192, 1152}, {251, 576, 192}, {251, 576, 60}, {251, 12, 576}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                verify(GemmCase.random(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[2], s[1], 1f, 0f, t == 3));
            }
        }
    }

    @Test
    void zeroAlphaOrKScalesCAndBetaZeroOverwritesNaN() {
        SplittableRandom rnd = new SplittableRandom(8);
        verify(GemmCase.random(rnd, false, false, 7, 17, 0, 1f, 0.5f, true));
        verify(GemmCase.random(rnd, true, false, 7, 17, 5, 0f, -2f, true));
        verify(GemmCase.random(rnd, false, true, 7, 17, 5, 0f, 0f, true));
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        java.util.Arrays.fill(a, 1f);
        java.util.Arrays.fill(b, 1f);
        Gemm.sgemm(gpu, false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
        for (float v : c) {
            assertTrue(v == 3f, "beta 0 must not read C: got " + v);
        }
    }

    @Test
    void linearForwardAndBackwardMatchRef() {
        SplittableRandom r = new SplittableRandom(9);
        int[][] shapes = {{2, 251, 192, 1152}, {1, 7, 17, 33}, {3, 1, 129, 1}};
        for (int[] s : shapes) {
            Tensor x = OpFixtures.uniform(r, -1, 1, s[0], s[1], s[2]);
            Tensor w = OpFixtures.uniform(r, -0.1, 0.1, s[3], s[2]);
            Tensor bias = OpFixtures.uniform(r, -1, 1, s[3]);
            Tensor gout = OpFixtures.uniform(r, -1, 1, s[0], s[1], s[3]);
            String n = "linear " + x.shapeString() + " x " + w.shapeString();
            Tensor[] ref = linear(Backend.ref(), x, w, bias, gout);
            Tensor[] dev = linear(gpu, x, w, bias, gout);
            String[] names = {"out", "gx", "gw", "gbias"};
            for (int i = 0; i < names.length; i++) {
                TensorCompare.assertClose(n + " " + names[i], ref[i], dev[i], Tolerance.GPU_VS_REF);
            }
        }
    }

    private static Tensor[] linear(Backend b, Tensor x, Tensor w, Tensor bias, Tensor gout) {
        GuardedTensor out = GuardedTensor.zeros(gout.shape());
        GuardedTensor gx = GuardedTensor.zeros(x.shape());
        GuardedTensor gw = GuardedTensor.zeros(w.shape());
        GuardedTensor gb = GuardedTensor.zeros(bias.shape());
        Matmul.linear(b, x, w, bias, out.tensor());
        Matmul.linearBackward(b, x, w, gout, gx.tensor(), gw.tensor(), gb.tensor());
        for (GuardedTensor g : new GuardedTensor[] {out, gx, gw, gb}) {
            g.assertGuardsIntact("linear output on " + b);
        }
        return new Tensor[] {out.tensor(), gx.tensor(), gw.tensor(), gb.tensor()};
    }
}
