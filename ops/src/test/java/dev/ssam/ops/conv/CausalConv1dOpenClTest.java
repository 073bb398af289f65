package dev.ssam.ops.conv;

import dev.ssam.ops.OpFixtures;
import dev.ssam.ops.OpenClFixture;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.SplittableRandom;

import static dev.ssam.ops.conv.CausalConv1dGoldenTest.swapLast;

/**
 * The OpenCL {@link CausalConv1d} against Ref on awkward and model shapes (guards, unchanged
 * inputs, absent gradients) and against the golden {@code conv.*} tensors. Skips without an
 * OpenCL device (fails under CI=true).
 */
class CausalConv1dOpenClTest {
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    /** Forward output and every gradient of one backend, inside guards. */
    private record Run(GuardedTensor out, GuardedTensor gx, GuardedTensor gw, GuardedTensor gb) {
        static Run of(Backend be, Tensor x, Tensor w, Tensor bias, Tensor gout, boolean silu) {
            Run r = new Run(GuardedTensor.zeros(x.shape()), GuardedTensor.zeros(x.shape()),
                    GuardedTensor.zeros(w.shape()), GuardedTensor.zeros(w.dim(0)));
            CausalConv1d.forward(be, x, w, bias, silu, r.out.tensor());
            CausalConv1d.backward(be, x, w, bias, silu, gout, r.gx.tensor(), r.gw.tensor(),
                    bias == null ? null : r.gb.tensor());
            r.out.assertGuardsIntact("out");
            r.gx.assertGuardsIntact("gx");
            r.gw.assertGuardsIntact("gw");
            r.gb.assertGuardsIntact("gbias");
            return r;
        }
    }

    private void compare(long seed, int b, int l, int e, int k, boolean hasBias, boolean silu) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = OpFixtures.uniform(r, -2, 2, b, l, e);
        Tensor w = OpFixtures.uniform(r, -0.6, 0.6, e, k);
        Tensor bias = hasBias ? OpFixtures.uniform(r, -0.5, 0.5, e) : null;
        Tensor gout = OpFixtures.uniform(r, -1, 1, b, l, e);
        Tensor[] before = {OpFixtures.snapshot(x), OpFixtures.snapshot(w), OpFixtures.snapshot(bias),
                OpFixtures.snapshot(gout)};
        String name = "conv x" + x.shapeString() + " K=" + k + (hasBias ? "" : " no bias") + (silu ? " silu" : "");
        Run ref = Run.of(Backend.ref(), x, w, bias, gout, silu);
        Run dev = Run.of(gpu, x, w, bias, gout, silu);
        TensorCompare.assertClose(name + " out", ref.out.tensor(), dev.out.tensor(), Tolerance.GPU_VS_REF);
        TensorCompare.assertClose(name + " gx", ref.gx.tensor(), dev.gx.tensor(), Tolerance.GPU_VS_REF);
        TensorCompare.assertClose(name + " gw", ref.gw.tensor(), dev.gw.tensor(), Tolerance.GPU_VS_REF);
        TensorCompare.assertClose(name + " gbias", ref.gb.tensor(), dev.gb.tensor(), Tolerance.GPU_VS_REF);
        OpFixtures.assertUnchanged("x", before[0], x);
        OpFixtures.assertUnchanged("weight", before[1], w);
        OpFixtures.assertUnchanged("bias", before[2], bias);
        OpFixtures.assertUnchanged("gout", before[3], gout);
    }

    @Test
    void matchesRefOnAwkwardSizes() {
        int[] kernels = {1, 4, 5};
        int i = 0;
        for (int e : OpFixtures.AWKWARD) {
            for (int l : OpFixtures.AWKWARD) {
                if (l == 129 && e == 129) {
                    continue;
                }
                compare(100 + i, 1 + i % 2, l, e, kernels[i % 3], i % 4 != 1, i % 3 != 2);
                i++;
            }
        }
    }

    @Test
    void matchesRefOnTheModelShape() {
        compare(7, 2, 251, 576, 4, true, true);
        compare(8, 1, 251, 576, 4, false, false);
    }

    @Test
    void backwardComputesOnlyTheRequestedGradients() {
        SplittableRandom r = new SplittableRandom(9);
        Tensor x = OpFixtures.uniform(r, -2, 2, 2, 17, 7);
        Tensor w = OpFixtures.uniform(r, -0.6, 0.6, 7, 4);
        Tensor bias = OpFixtures.uniform(r, -0.5, 0.5, 7);
        Tensor gout = OpFixtures.uniform(r, -1, 1, 2, 17, 7);
        Tensor gbRef = Tensor.zeros(7);
        CausalConv1d.backward(Backend.ref(), x, w, bias, true, gout, null, null, gbRef);
        GuardedTensor gb = GuardedTensor.zeros(7);
        CausalConv1d.backward(gpu, x, w, bias, true, gout, null, null, gb.tensor());
        TensorCompare.assertClose("gbias alone", gbRef, gb.tensor(), Tolerance.GPU_VS_REF);
        gb.assertGuardsIntact("gbias");
    }

    @Test
    void forwardAndBackwardMatchGolden() throws IOException {
        try (Safetensors golden = Safetensors.open(GoldenFiles.resource(CausalConv1dOpenClTest.class,
                "ops.safetensors"))) {
            Tensor x = swapLast(golden.tensor("conv.x")); // (B, L, E)
            Tensor w = golden.tensor("conv.weight").reshape(16, 4); // (E, K)
            Tensor bias = golden.tensor("conv.bias");
            Tensor gout = swapLast(golden.tensor("conv.gout"));
            Tensor out = Tensor.zeros(x.shape());
            Tensor gx = Tensor.zeros(x.shape());
            Tensor gw = Tensor.zeros(16, 4);
            Tensor gb = Tensor.zeros(16);
            CausalConv1d.forward(gpu, x, w, bias, true, out);
            CausalConv1d.backward(gpu, x, w, bias, true, gout, gx, gw, gb);
            TensorCompare.assertClose("opencl conv.out", golden.tensor("conv.out"), swapLast(out), Tolerance.OP_VS_GOLDEN);
            TensorCompare.assertClose("opencl conv.grad.x", golden.tensor("conv.grad.x"), swapLast(gx),
                    Tolerance.OP_VS_GOLDEN);
            TensorCompare.assertClose("opencl conv.grad.weight", golden.tensor("conv.grad.weight").reshape(16, 4), gw,
                    Tolerance.OP_VS_GOLDEN);
            TensorCompare.assertClose("opencl conv.grad.bias", golden.tensor("conv.grad.bias"), gb,
                    Tolerance.OP_VS_GOLDEN);
        }
    }
}
