package dev.ssam.ops.reduce;

import dev.ssam.ops.OpFixtures;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GradCheck;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Reduce}: Cpu against Ref, double accumulation, determinism, guards, shapes. */
class ReduceTest {
    private static final Backend CPU1 = Backend.cpu(1);
    private static final Backend CPU2 = Backend.cpu(2);

    @AfterAll
    static void close() {
        CPU1.close();
        CPU2.close();
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

    @Test
    void cpuMatchesRefOnAwkwardAndModelShapes() {
        SplittableRandom r = new SplittableRandom(31);
        String[] names = {"sumRows", "meanRows", "sumColumns", "meanColumns"};
        int[][] shapes = {{1, 1}, {7, 129}, {17, 33}, {33, 7}, {129, 17}, {8 * 251, 192}, {50, 960}};
        for (int[] s : shapes) {
            Tensor x = OpFixtures.uniform(r, -2, 5, s);
            Tensor before = x.copy();
            Tensor[] ref = rowsAndColumns(Backend.ref(), x);
            Tensor[] cpu = rowsAndColumns(CPU2, x);
            for (int i = 0; i < 4; i++) {
                String n = names[i] + " " + x.shapeString();
                if (i < 2) {
                    // every column summed over rows in order, in double, by both
                    TensorCompare.assertBitwiseEqual(n, ref[i], cpu[i]);
                } else {
                    TensorCompare.assertClose(n, ref[i], cpu[i], Tolerance.CPU_VS_REF);
                }
            }
            TensorCompare.assertClose("sumSquares " + x.shapeString(),
                    OpFixtures.scalar(Reduce.sumSquares(Backend.ref(), x)),
                    OpFixtures.scalar(Reduce.sumSquares(CPU2, x)), Tolerance.CPU_VS_REF);
            OpFixtures.assertUnchanged("x", before, x);
        }
    }

    @Test
    void accumulatesInDouble() {
        // 2^24 + 1 ones: a float accumulator stalls at 2^24
        int n = (1 << 24) + 1;
        Tensor ones = Tensor.zeros(n);
        ones.fill(1f);
        for (Backend b : new Backend[] {Backend.ref(), CPU2}) {
            assertEquals(n, Reduce.sumSquares(b, ones), 0, b + " sumSquares");
            assertEquals(Math.sqrt(n), Reduce.l2Norm(b, ones), 0, b + " l2Norm");
            Tensor col = Tensor.zeros(1);
            Reduce.sumColumns(b, ones.reshape(1, n), col);
            assertEquals((float) n, col.get(0), b + " sumColumns");
        }
        Tensor tall = Tensor.zeros(n, 1);
        tall.fill(1f);
        Tensor row = Tensor.zeros(1);
        Reduce.sumRows(CPU2, tall, row);
        assertEquals((float) n, row.get(0), "sumRows");
    }

    @Test
    void oneAndTwoThreadsAreBitwiseEqual() {
        SplittableRandom r = new SplittableRandom(32);
        Tensor x = OpFixtures.uniform(r, -1, 1, 8 * 251, 576);
        Tensor[] one = rowsAndColumns(CPU1, x);
        Tensor[] two = rowsAndColumns(CPU2, x);
        for (int i = 0; i < 4; i++) {
            TensorCompare.assertBitwiseEqual("reduction " + i, one[i], two[i]);
        }
        assertEquals(Double.doubleToRawLongBits(Reduce.sumSquares(CPU1, x)),
                Double.doubleToRawLongBits(Reduce.sumSquares(CPU2, x)), "sumSquares bits");
    }

    @Test
    void nanPropagatesToItsRowAndColumnOnly() {
        Tensor x = Tensor.zeros(3, 4);
        x.set(Float.NaN, 1, 2);
        for (Backend b : new Backend[] {Backend.ref(), CPU2}) {
            Tensor[] out = rowsAndColumns(b, x);
            for (int i = 0; i < 4; i++) {
                assertEquals(i == 2, Float.isNaN(out[0].get(i)), b + " sumRows column " + i);
            }
            for (int m = 0; m < 3; m++) {
                assertEquals(m == 1, Float.isNaN(out[2].get(m)), b + " sumColumns row " + m);
            }
            assertTrue(Double.isNaN(Reduce.sumSquares(b, x)), b + " sumSquares");
        }
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
        OpFixtures.assertRejects(() -> Reduce.sumRows(CPU2, x, Tensor.zeros(3)), "sumRows", "out is [3]",
                "expected [width=4]");
        OpFixtures.assertRejects(() -> Reduce.meanColumns(CPU2, x, Tensor.zeros(6)), "meanColumns", "out is [6]",
                "expected [2, 3]");
        OpFixtures.assertRejects(() -> Reduce.sumSquares(CPU2, null), "sumSquares", "x is missing");
    }
}
