package dev.ssam.ops.elementwise;

import dev.ssam.ops.OpFixtures;
import dev.ssam.ops.OpenClFixture;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The OpenCL {@link Elementwise} kernels: bitwise equal to Ref on every op (no contraction in the
 * kernels), in place, with NaN, guards and unchanged inputs. Skips without an OpenCL device
 * (fails under CI=true).
 */
class ElementwiseOpenClTest {
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    private static int[][] shapes() {
        return new int[][] {{1, 1}, {1, 7}, {3, 17}, {33, 129}, {129, 33}, {251, 576}};
    }

    /**
     * Runs {@code op} into a guarded copy of {@code init} on Ref and on the device; asserts bitwise
     * equality, intact guards and unchanged inputs.
     */
    private void same(String name, Tensor init, BiConsumer<Backend, Tensor> op, Tensor... inputs) {
        Tensor[] before = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            before[i] = OpFixtures.snapshot(inputs[i]);
        }
        Tensor expected = init.copy();
        op.accept(Backend.ref(), expected);
        GuardedTensor out = GuardedTensor.copyOf(init);
        op.accept(gpu, out.tensor());
        TensorCompare.assertBitwiseEqual(name + " opencl vs ref", expected, out.tensor());
        out.assertGuardsIntact(name);
        for (int i = 0; i < inputs.length; i++) {
            OpFixtures.assertUnchanged(name + " input " + i, before[i], inputs[i]);
        }
    }

    @Test
    void bitwiseEqualToRefOnEveryOp() {
        SplittableRandom r = new SplittableRandom(21);
        for (int[] s : shapes()) {
            Tensor x = OpFixtures.uniform(r, -3, 3, s);
            Tensor y = OpFixtures.uniform(r, -3, 3, s);
            Tensor v = OpFixtures.uniform(r, -3, 3, s[1]);
            Tensor zero = Tensor.zeros(s);
            String n = " " + java.util.Arrays.toString(s);
            same("add" + n, zero, (b, o) -> Elementwise.add(b, x, y, o), x, y);
            same("mul" + n, zero, (b, o) -> Elementwise.mul(b, x, y, o), x, y);
            same("scale" + n, zero, (b, o) -> Elementwise.scale(b, x, -0.37f, o), x);
            same("axpy" + n, y, (b, o) -> Elementwise.axpy(b, 1.7f, x, o), x);
            same("fill" + n, zero, (b, o) -> Elementwise.fill(b, o, 2.5f));
            same("addRow" + n, zero, (b, o) -> Elementwise.addRow(b, x, v, o), x, v);
        }
    }

    @Test
    void splitAndConcatWriteOnlyTheirColumns() {
        SplittableRandom r = new SplittableRandom(22);
        int[][] cases = {{1, 1, 1}, {7, 17, 33}, {129, 7, 1}, {251, 576, 576}};
        for (int[] c : cases) {
            Tensor xz = OpFixtures.uniform(r, -1, 1, c[0], c[1] + c[2]);
            Tensor x = OpFixtures.uniform(r, -1, 1, c[0], c[1]);
            Tensor z = OpFixtures.uniform(r, -1, 1, c[0], c[2]);
            same("split first", x, (b, o) -> Elementwise.split(b, xz, o, Tensor.zeros(c[0], c[2])), xz);
            same("split second", z, (b, o) -> Elementwise.split(b, xz, Tensor.zeros(c[0], c[1]), o), xz);
            same("concat", xz, (b, o) -> Elementwise.concat(b, x, z, o), x, z);
        }
    }

    @Test
    void outputMayBeTheInputItself() {
        SplittableRandom r = new SplittableRandom(23);
        Tensor x = OpFixtures.uniform(r, -1, 1, 251, 192);
        Tensor h = OpFixtures.uniform(r, -1, 1, 251, 192);
        Tensor expected = Tensor.zeros(251, 192);
        Elementwise.add(Backend.ref(), x, h, expected);
        Elementwise.add(gpu, x, h, x);
        TensorCompare.assertBitwiseEqual("in-place add", expected, x);
    }

    @Test
    void nanAndInfinityPropagateAsOnRef() {
        Tensor x = OpFixtures.guarded(Tensor.of(new float[] {1f, Float.NaN, 3f, Float.POSITIVE_INFINITY, 5f, 6f, 7f}, 7));
        Tensor y = OpFixtures.guarded(Tensor.of(new float[] {1f, 1f, Float.NaN, Float.NEGATIVE_INFINITY, 0f, 0f, 0f}, 7));
        same("add nan", Tensor.zeros(7), (b, o) -> Elementwise.add(b, x, y, o), x, y);
        same("mul nan", Tensor.zeros(7), (b, o) -> Elementwise.mul(b, x, y, o), x, y);
    }
}
