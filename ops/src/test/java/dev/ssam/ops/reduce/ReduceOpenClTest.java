package dev.ssam.ops.reduce;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenCL {@link Reduce} kernels against Ref (which sums in double) on awkward and model
 * shapes, compensated summation on a sum float alone would lose, and NaN propagation. Skips
 * without an OpenCL device (fails under CI=true).
 */
class ReduceOpenClTest {
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    private void compare(Tensor x) {
        Tensor before = x.copy();
        int d = x.dim(-1);
        int rows = x.size() / d;
        for (boolean mean : new boolean[] {false, true}) {
            Tensor refRows = Tensor.zeros(d);
            GuardedTensor devRows = GuardedTensor.zeros(d);
            Tensor refCols = Tensor.zeros(rows);
            GuardedTensor devCols = GuardedTensor.zeros(rows);
            if (mean) {
                Reduce.meanRows(Backend.ref(), x, refRows);
                Reduce.meanRows(gpu, x, devRows.tensor());
                Reduce.meanColumns(Backend.ref(), x, refCols.reshape(x.dim(0)));
                Reduce.meanColumns(gpu, x, devCols.tensor().reshape(x.dim(0)));
            } else {
                Reduce.sumRows(Backend.ref(), x, refRows);
                Reduce.sumRows(gpu, x, devRows.tensor());
                Reduce.sumColumns(Backend.ref(), x, refCols.reshape(x.dim(0)));
                Reduce.sumColumns(gpu, x, devCols.tensor().reshape(x.dim(0)));
            }
            String n = (mean ? "mean" : "sum") + " " + x.shapeString();
            TensorCompare.assertClose(n + " rows", refRows, devRows.tensor(), Tolerance.GPU_VS_REF);
            TensorCompare.assertClose(n + " columns", refCols, devCols.tensor(), Tolerance.GPU_VS_REF);
            devRows.assertGuardsIntact(n + " rows");
            devCols.assertGuardsIntact(n + " columns");
        }
        TensorCompare.assertClose("sumSquares " + x.shapeString(), OpFixtures.scalar(Reduce.sumSquares(Backend.ref(), x)),
                OpFixtures.scalar(Reduce.sumSquares(gpu, x)), Tolerance.GPU_VS_REF);
        OpFixtures.assertUnchanged("x", before, x);
    }

    @Test
    void matchesRefOnAwkwardAndModelShapes() {
        SplittableRandom r = new SplittableRandom(71);
        for (int m : OpFixtures.AWKWARD) {
            for (int d : OpFixtures.AWKWARD) {
                compare(OpFixtures.uniform(r, -2, 2, m, d));
            }
        }
        compare(OpFixtures.uniform(r, -2, 2, 502, 576));
        compare(OpFixtures.uniform(r, -2, 2, 1152, 192));
    }

    @Test
    void compensatedSumKeepsSmallTermsAFloatSumLoses() {
        int rows = 4097;
        Tensor x = Tensor.zeros(rows, 1);
        x.data()[0] = 1f;
        for (int m = 1; m < rows; m++) {
            x.data()[m] = 1e-8f;
        }
        Tensor out = Tensor.zeros(1);
        Reduce.sumRows(gpu, x, out);
        // a float sum stays at 1 (each 1e-8 is below half an ulp of 1); the compensated sum rounds 1 + 4.096e-5 once
        assertEquals((float) (1 + 4096 * 1e-8), out.get(0), 0f);
    }

    @Test
    void nanPropagatesToItsRowAndColumnOnly() {
        Tensor x = OpFixtures.uniform(new SplittableRandom(72), -1, 1, 7, 17);
        x.set(Float.NaN, 3, 5);
        Tensor rows = Tensor.zeros(17);
        Tensor cols = Tensor.zeros(7);
        Reduce.sumRows(gpu, x, rows);
        Reduce.sumColumns(gpu, x, cols);
        for (int d = 0; d < 17; d++) {
            assertEquals(d == 5, Float.isNaN(rows.get(d)), "sumRows[" + d + "]");
        }
        for (int m = 0; m < 7; m++) {
            assertEquals(m == 3, Float.isNaN(cols.get(m)), "sumColumns[" + m + "]");
        }
        assertTrue(Double.isNaN(Reduce.sumSquares(gpu, x)), "sumSquares");
    }
}
