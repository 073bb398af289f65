package dev.ssam.ops.reduce;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Reduce} on every backend against Ref (which sums in double): awkward and model shapes,
 * guards, unchanged inputs, a sum float alone would lose, NaN; Ref and Cpu accumulate in double;
 * Cpu 1 vs 2 threads bitwise; the sumSquares gradient; shapes. OpenCL cases skip without a device
 * (fail under CI=true).
 */
class ReduceTest {
    private static final Backend CPU = BackendUnderTest.CPU.backend();
    private static final String[] NAMES = {"sumRows", "meanRows", "sumColumns", "meanColumns"};

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /** The four row/column reductions of x on one backend, each into a guarded output. */
    private static Tensor[] rowsAndColumns(Backend b, Tensor x) {
        int d = x.dim(-1);
        int m = x.size() / d;
        GuardedTensor[] g = {GuardedTensor.zeros(d), GuardedTensor.zeros(d), GuardedTensor.zeros(m),
                GuardedTensor.zeros(m)};
        Tensor xm = x.reshape(m, d);
        Reduce.sumRows(b, xm, g[0].tensor());
        Reduce.meanRows(b, xm, g[1].tensor());
        Reduce.sumColumns(b, xm, g[2].tensor());
        Reduce.meanColumns(b, xm, g[3].tensor());
        Tensor[] out = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            g[i].assertGuardsIntact("reduction " + i);
            out[i] = g[i].tensor();
        }
        return out;
    }

    private static void compare(BackendUnderTest b, Tensor x) {
        Tensor before = x.copy();
        Tensor[] ref = rowsAndColumns(Backend.ref(), x);
        Tensor[] actual = rowsAndColumns(b.backend(), x);
        for (int i = 0; i < 4; i++) {
            String n = NAMES[i] + " " + x.shapeString() + " on " + b;
            if (i < 2) {
                // every column summed over rows in order, in double, by Ref and Cpu
                b.assertMatchesRefBitwiseOnCpu(n, ref[i], actual[i]);
            } else {
                TensorCompare.assertClose(n, ref[i], actual[i], b.vsRef());
            }
        }
        TensorCompare.assertClose("sumSquares " + x.shapeString() + " on " + b,
                OpFixtures.scalar(Reduce.sumSquares(Backend.ref(), x)),
                OpFixtures.scalar(Reduce.sumSquares(b.backend(), x)), b.vsRef());
        OpFixtures.assertUnchanged("x", before, x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnAwkwardAndModelShapes(BackendUnderTest b) {
        SplittableRandom r = new SplittableRandom(31);
        int[][] shapes = {{1, 1}, {7, 129}, {17, 33}, {33, 7}, {129, 17}, {8 * 251, 192}, {50, 960}};
        for (int[] s : shapes) {
            compare(b, OpFixtures.uniform(r, -2, 5, s));
        }
        SplittableRandom grid = new SplittableRandom(71);
        for (int m : OpFixtures.AWKWARD) {
            for (int d : OpFixtures.AWKWARD) {
                compare(b, OpFixtures.uniform(grid, -2, 2, m, d));
            }
        }
        compare(b, OpFixtures.uniform(grid, -2, 2, 502, 576));
        compare(b, OpFixtures.uniform(grid, -2, 2, 1152, 192));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void compensatedSumKeepsSmallTermsAFloatSumLoses(BackendUnderTest b) {
        int rows = 4097;
        Tensor x = Tensor.zeros(rows, 1);
        x.data()[0] = 1f;
        for (int m = 1; m < rows; m++) {
            x.data()[m] = 1e-8f;
        }
        Tensor out = Tensor.zeros(1);
        Reduce.sumRows(b.backend(), x, out);
        // a float sum stays at 1 (each 1e-8 is below half an ulp of 1); the compensated sum rounds 1 + 4.096e-5 once
        assertEquals((float) (1 + 4096 * 1e-8), out.get(0), 0f, b.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nanPropagatesToItsRowAndColumnOnly(BackendUnderTest under) {
        Tensor x = Tensor.zeros(3, 4);
        x.set(Float.NaN, 1, 2);
        for (Backend b : new Backend[] {Backend.ref(), under.backend()}) {
            Tensor[] out = rowsAndColumns(b, x);
            for (int i = 0; i < 4; i++) {
                assertEquals(i == 2, Float.isNaN(out[0].get(i)), b + " sumRows column " + i);
            }
            for (int m = 0; m < 3; m++) {
                assertEquals(m == 1, Float.isNaN(out[2].get(m)), b + " sumColumns row " + m);
            }
            assertTrue(Double.isNaN(Reduce.sumSquares(b, x)), b + " sumSquares");
        }
        Backend b = under.backend();
        Tensor y = OpFixtures.uniform(new SplittableRandom(72), -1, 1, 7, 17);
        y.set(Float.NaN, 3, 5);
        Tensor rows = Tensor.zeros(17);
        Tensor cols = Tensor.zeros(7);
        Reduce.sumRows(b, y, rows);
        Reduce.sumColumns(b, y, cols);
        for (int d = 0; d < 17; d++) {
            assertEquals(d == 5, Float.isNaN(rows.get(d)), b + " sumRows[" + d + "]");
        }
        for (int m = 0; m < 7; m++) {
            assertEquals(m == 3, Float.isNaN(cols.get(m)), b + " sumColumns[" + m + "]");
        }
        assertTrue(Double.isNaN(Reduce.sumSquares(b, y)), b + " sumSquares");
    }

    @Test
    void cpuIsBitwiseEqualOnOneAndTwoThreads() {
        Backend cpu1 = BackendUnderTest.cpuOneThread();
        SplittableRandom r = new SplittableRandom(32);
        Tensor x = OpFixtures.uniform(r, -1, 1, 8 * 251, 576);
        Tensor[] one = rowsAndColumns(cpu1, x);
        Tensor[] two = rowsAndColumns(CPU, x);
        for (int i = 0; i < 4; i++) {
            TensorCompare.assertBitwiseEqual("reduction " + i, one[i], two[i]);
        }
        assertEquals(Double.doubleToRawLongBits(Reduce.sumSquares(cpu1, x)),
                Double.doubleToRawLongBits(Reduce.sumSquares(CPU, x)), "sumSquares bits");
    }

    @Test
    void accumulatesInDouble() {
        // 2^24 + 1 ones: a float accumulator stalls at 2^24
        int n = (1 << 24) + 1;
        Tensor ones = Tensor.zeros(n);
        ones.fill(1f);
        for (Backend b : new Backend[] {Backend.ref(), CPU}) {
            assertEquals(n, Reduce.sumSquares(b, ones), 0, b + " sumSquares");
            assertEquals(Math.sqrt(n), Reduce.l2Norm(b, ones), 0, b + " l2Norm");
            Tensor col = Tensor.zeros(1);
            Reduce.sumColumns(b, ones.reshape(1, n), col);
            assertEquals((float) n, col.get(0), b + " sumColumns");
        }
        Tensor tall = Tensor.zeros(n, 1);
        tall.fill(1f);
        Tensor row = Tensor.zeros(1);
        Reduce.sumRows(CPU, tall, row);
        assertEquals((float) n, row.get(0), "sumRows");
    }

    @Test
    void sumSquaresGradientIsTwiceX() {
        SplittableRandom r = new SplittableRandom(33);
        Tensor x = OpFixtures.uniform(r, -1, 1, 3, 5);
        Tensor g = Tensor.zeros(3, 5);
        for (int i = 0; i < 15; i++) {
            g.data()[i] = 2 * x.data()[x.offset() + i];
        }
        GradCheck.assertGradient("sumSquares", x, g, 1e-3, Tolerance.GRADCHECK,
                () -> Reduce.sumSquares(Backend.ref(), x));
    }

    @Test
    void rejectsBadShapesNamingOpArgumentAndExpectation() {
        Tensor x = Tensor.zeros(2, 3, 4);
        OpFixtures.assertRejects(() -> Reduce.sumRows(CPU, x, Tensor.zeros(3)), "sumRows", "out is [3]",
                "expected [width=4]");
        OpFixtures.assertRejects(() -> Reduce.meanColumns(CPU, x, Tensor.zeros(6)), "meanColumns", "out is [6]",
                "expected [2, 3]");
        OpFixtures.assertRejects(() -> Reduce.sumSquares(CPU, null), "sumSquares", "x is missing");
    }
}
