package dev.ssam.ops.elementwise;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.ops.OpFixtures;
import dev.ssam.ops.reduce.Reduce;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GradCheck;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Elementwise} on every backend: bitwise equal to Ref on every op (no contraction in any
 * kernel), Cpu on one thread and two; guards, unchanged inputs, outputs fully overwritten, in-place
 * use, NaN; the documented backward rules against central differences; shapes. OpenCL cases skip
 * without a device (fail under CI=true).
 */
class ElementwiseTest {
    private static final Backend CPU = BackendUnderTest.CPU.backend();

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /** Shapes (M, D): 1, awkward rows and widths, and the model's (L, E), (L*B, E) and (L*B, D). */
    private static List<int[]> shapes() {
        List<int[]> s = new ArrayList<>();
        for (int i = 0; i < OpFixtures.AWKWARD.length; i++) {
            s.add(new int[] {OpFixtures.AWKWARD[i], OpFixtures.AWKWARD[(i + 2) % 5]});
        }
        s.addAll(List.of(new int[] {1, 1}, new int[] {1, 7}, new int[] {3, 17}, new int[] {33, 129},
                new int[] {129, 33}));
        s.add(new int[] {251, 576});
        s.add(new int[] {8 * 251, 576});
        s.add(new int[] {8 * 251, 192});
        return s;
    }

    /** {@code op} on one backend into a guarded copy of {@code init}; asserts the guards. */
    private static Tensor run(Backend b, String name, Tensor init, BiConsumer<Backend, Tensor> op) {
        GuardedTensor out = GuardedTensor.copyOf(init);
        op.accept(b, out.tensor());
        out.assertGuardsIntact(name + " on " + b);
        return out.tensor();
    }

    /**
     * Runs {@code op(backend, out)} on Ref and on the backend (on Cpu with one thread and two), each
     * into a guarded output prefilled from {@code init}; asserts guards, bitwise equality and
     * unchanged inputs; returns Ref's output.
     */
    private static Tensor same(BackendUnderTest b, String name, Tensor init, BiConsumer<Backend, Tensor> op,
                               Tensor... inputs) {
        Tensor[] before = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            before[i] = OpFixtures.snapshot(inputs[i]);
        }
        Tensor expected = run(Backend.ref(), name, init, op);
        Tensor actual = run(b.backend(), name, init, op);
        TensorCompare.assertBitwiseEqual(name + " " + b + " vs ref", expected, actual);
        b.assertSameOnOneThread(name, actual, be -> run(be, name, init, op));
        for (int i = 0; i < inputs.length; i++) {
            OpFixtures.assertUnchanged(name + " input " + i, before[i], inputs[i]);
        }
        return expected;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyOpIsBitwiseEqualToRef(BackendUnderTest b) {
        SplittableRandom r = new SplittableRandom(21);
        for (int[] s : shapes()) {
            Tensor x = OpFixtures.uniform(r, -3, 3, s);
            Tensor y = OpFixtures.uniform(r, -3, 3, s);
            Tensor v = OpFixtures.uniform(r, -3, 3, s[1]);
            Tensor zero = Tensor.zeros(s);
            String n = " " + Arrays.toString(s);
            Tensor sum = same(b, "add" + n, zero, (be, o) -> Elementwise.add(be, x, y, o), x, y);
            assertEquals(x.get(0, 0) + y.get(0, 0), sum.get(0, 0), "add value");
            same(b, "mul" + n, zero, (be, o) -> Elementwise.mul(be, x, y, o), x, y);
            same(b, "scale" + n, zero, (be, o) -> Elementwise.scale(be, x, -0.37f, o), x);
            Tensor axpy = same(b, "axpy" + n, y, (be, o) -> Elementwise.axpy(be, 1.7f, x, o), x);
            assertEquals(y.get(0, 0) + 1.7f * x.get(0, 0), axpy.get(0, 0), "axpy accumulates into y");
            same(b, "fill" + n, zero, (be, o) -> Elementwise.fill(be, o, 2.5f));
            Tensor row = same(b, "addRow" + n, zero, (be, o) -> Elementwise.addRow(be, x, v, o), x, v);
            assertEquals(x.get(s[0] - 1, s[1] - 1) + v.get(s[1] - 1), row.get(s[0] - 1, s[1] - 1), "addRow value");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void splitAndConcatAreInverseAndOverwriteTheirOutputs(BackendUnderTest b) {
        SplittableRandom r = new SplittableRandom(22);
        int[][] cases = {{1, 1, 1}, {7, 17, 33}, {129, 7, 1}, {251, 576, 576}};
        for (int[] c : cases) {
            Tensor xz = OpFixtures.uniform(r, -1, 1, c[0], c[1] + c[2]);
            // outputs start as zeros, then as random values that must all be overwritten
            for (boolean garbage : new boolean[] {false, true}) {
                Tensor initX = garbage ? OpFixtures.uniform(r, -1, 1, c[0], c[1]) : Tensor.zeros(c[0], c[1]);
                Tensor initZ = garbage ? OpFixtures.uniform(r, -1, 1, c[0], c[2]) : Tensor.zeros(c[0], c[2]);
                Tensor initXz = garbage ? OpFixtures.uniform(r, -1, 1, c[0], c[1] + c[2])
                        : Tensor.zeros(c[0], c[1] + c[2]);
                Tensor x = same(b, "split first", initX,
                        (be, o) -> Elementwise.split(be, xz, o, Tensor.zeros(c[0], c[2])), xz);
                Tensor z = same(b, "split second", initZ,
                        (be, o) -> Elementwise.split(be, xz, Tensor.zeros(c[0], c[1]), o), xz);
                assertEquals(xz.get(c[0] - 1, c[1]), z.get(c[0] - 1, 0), "z starts at column C1");
                Tensor back = same(b, "concat", initXz, (be, o) -> Elementwise.concat(be, x, z, o), x, z);
                TensorCompare.assertBitwiseEqual("concat(split(xz))", xz, back);
            }
        }
        Tensor xz = OpFixtures.uniform(r, -1, 1, 2, 3, 10);
        Tensor x = Tensor.zeros(2, 3, 4);
        Tensor z = Tensor.zeros(2, 3, 6);
        Elementwise.split(b.backend(), xz, x, z);
        assertEquals(xz.get(1, 2, 4), z.get(1, 2, 0), b + ": rank-3 split keeps leading dimensions");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void outputMayBeTheInputItself(BackendUnderTest b) {
        SplittableRandom r = new SplittableRandom(23);
        Tensor x = OpFixtures.uniform(r, -1, 1, 251, 192);
        Tensor h = OpFixtures.uniform(r, -1, 1, 251, 192);
        Tensor expected = Tensor.zeros(251, 192);
        Elementwise.add(Backend.ref(), x, h, expected);
        Elementwise.add(b.backend(), x, h, x); // residual r = r + h
        TensorCompare.assertBitwiseEqual(b + " in-place add", expected, x);
        Tensor partial = Tensor.view(x.data(), x.offset() + 1, 251, 192 - 1);
        OpFixtures.assertRejects(() -> Elementwise.scale(b.backend(), x.reshape(251 * 192).slice0(0, 251 * 191)
                .reshape(251, 191), 2f, partial), "scale", "out overlaps x");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nanAndInfinityPropagateElementByElement(BackendUnderTest b) {
        for (boolean guarded : new boolean[] {false, true}) {
            Tensor x = Tensor.of(new float[] {1f, Float.NaN, 3f, Float.POSITIVE_INFINITY, 5f, 6f, 7f}, 7);
            Tensor y = Tensor.of(new float[] {1f, 1f, Float.NaN, Float.NEGATIVE_INFINITY, 0f, 0f, 0f}, 7);
            Tensor gx = guarded ? OpFixtures.guarded(x) : x;
            Tensor gy = guarded ? OpFixtures.guarded(y) : y;
            Tensor sum = same(b, "add nan", Tensor.zeros(7), (be, o) -> Elementwise.add(be, gx, gy, o), gx, gy);
            for (int i = 0; i < 7; i++) {
                assertEquals(i >= 1 && i <= 3, Float.isNaN(sum.get(i)), "NaN at " + i);
            }
            same(b, "mul nan", Tensor.zeros(7), (be, o) -> Elementwise.mul(be, gx, gy, o), gx, gy);
        }
    }

    @Test
    void documentedBackwardRulesMatchCentralDifferences() {
        SplittableRandom r = new SplittableRandom(24);
        Backend ref = Backend.ref();
        Tensor x = OpFixtures.uniform(r, -1, 1, 3, 4);
        Tensor y = OpFixtures.uniform(r, -1, 1, 3, 4);
        Tensor v = OpFixtures.uniform(r, -1, 1, 4);
        Tensor gout = OpFixtures.uniform(r, -1, 1, 3, 4);
        // mul: gx = gout * y
        Tensor gx = Tensor.zeros(3, 4);
        Elementwise.mul(ref, gout, y, gx);
        GradCheck.assertGradient("mul x", x, gx, 1e-3, Tolerance.GRADCHECK, () -> {
            double s = 0;
            for (int i = 0; i < 12; i++) {
                s += (double) x.data()[x.offset() + i] * y.data()[y.offset() + i] * gout.data()[gout.offset() + i];
            }
            return s;
        });
        // addRow: gv = sumRows(gout)
        Tensor gv = Tensor.zeros(4);
        Reduce.sumRows(ref, gout, gv);
        GradCheck.assertGradient("addRow v", v, gv, 1e-3, Tolerance.GRADCHECK, () -> {
            double s = 0;
            for (int m = 0; m < 3; m++) {
                for (int i = 0; i < 4; i++) {
                    s += ((double) x.get(m, i) + v.get(i)) * gout.get(m, i);
                }
            }
            return s;
        });
        // split: gxz = concat(ga, gb)
        Tensor xz = OpFixtures.uniform(r, -1, 1, 3, 7);
        Tensor ga = OpFixtures.uniform(r, -1, 1, 3, 3);
        Tensor gb = OpFixtures.uniform(r, -1, 1, 3, 4);
        Tensor gxz = Tensor.zeros(3, 7);
        Elementwise.concat(ref, ga, gb, gxz);
        GradCheck.assertGradient("split xz", xz, gxz, 1e-3, Tolerance.GRADCHECK, () -> {
            Tensor a = Tensor.zeros(3, 3);
            Tensor b = Tensor.zeros(3, 4);
            Elementwise.split(ref, xz, a, b);
            return OpFixtures.dot(a, ga) + OpFixtures.dot(b, gb);
        });
    }

    @Test
    void rejectsBadShapesNamingOpArgumentAndExpectation() {
        Tensor x = Tensor.zeros(4, 6);
        OpFixtures.assertRejects(() -> Elementwise.add(CPU, x, Tensor.zeros(6, 4), Tensor.zeros(4, 6)),
                "add", "y is [6, 4]", "expected [4, 6]");
        OpFixtures.assertRejects(() -> Elementwise.mul(CPU, x, x, Tensor.zeros(24)), "mul", "out is [24]");
        OpFixtures.assertRejects(() -> Elementwise.axpy(CPU, 1f, x, Tensor.zeros(4, 5)), "axpy", "y is [4, 5]");
        OpFixtures.assertRejects(() -> Elementwise.addRow(CPU, x, Tensor.zeros(4), Tensor.zeros(4, 6)),
                "addRow", "v is [4]", "expected [width=6]");
        OpFixtures.assertRejects(() -> Elementwise.split(CPU, Tensor.zeros(4, 10), Tensor.zeros(4, 5),
                Tensor.zeros(4, 4)), "split", "src is [4, 10]", "expected [4, 9]");
        OpFixtures.assertRejects(() -> Elementwise.split(CPU, Tensor.zeros(4, 10), Tensor.zeros(4, 5),
                Tensor.zeros(3, 5)), "split", "second is [3, 5]", "leading dimensions [4]");
        OpFixtures.assertRejects(() -> Elementwise.concat(CPU, Tensor.zeros(4, 5), Tensor.zeros(4, 5),
                Tensor.zeros(4, 11)), "concat", "out is [4, 11]", "expected [4, 10]");
    }
}
