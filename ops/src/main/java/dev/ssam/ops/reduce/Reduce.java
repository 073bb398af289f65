package dev.ssam.ops.reduce;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

import java.util.Arrays;

/**
 * Reductions with double accumulation and a fixed summation order (the result never depends on
 * the thread count):
 *
 * <pre>
 *   sumRows(x)[d]    = sum_m x[m,d]           meanRows    = sumRows / M      x: (M, D) -> (D)
 *   sumColumns(x)[m] = sum_d x[m,d]           meanColumns = sumColumns / D   x: (.., D) -> (..)
 *   sumSquares(x)    = sum_i x_i^2            l2Norm      = sqrt(sumSquares) x: any shape -> double
 * </pre>
 *
 * <p>Shapes: for the row and column ops the leading dimensions of {@code x (.., D)} are
 * flattened into M rows, D fastest; {@code sumRows} writes {@code (D)}, {@code sumColumns}
 * writes the leading shape of x. Sums are accumulated in double and rounded to float once.
 * Order: sumRows adds rows in order (Ref and Cpu bitwise equal); sumColumns and sumSquares add
 * within fixed vector lanes and fixed blocks of {@value #BLOCK} elements, then the block sums in
 * order (Cpu may differ from Ref's plain sequential sum at double rounding).
 *
 * <p>Backward rules (composed from the elementwise set): sumRows: {@code gx[m,:] = g};
 * sumColumns: {@code gx[m,:] = g[m]}; sumSquares: {@code gx = 2 g x}; means divide by the count.
 * Used for bias gradients (sumRows), scene embeddings (meanRows over frames) and gradient norms.
 *
 * <pre>{@code
 * Reduce.sumRows(cpu, gout, gbias);          // (B*L, D) -> (D)
 * double norm = Reduce.l2Norm(cpu, grad);
 * }</pre>
 */
public final class Reduce {
    /** Elements per partial sum of {@link #sumSquares}. */
    public static final int BLOCK = 1 << 14;

    private Reduce() {
    }

    /**
     * Validated sizes.
     *
     * @param rows  M (the product of the leading dimensions)
     * @param width D
     */
    public record Dims(int rows, int width) {
    }

    /** Checks {@code x (.., D)} and {@code out}: {@code (D)} over rows, the leading shape of x over columns. */
    public static Dims check(String op, Tensor x, Tensor out, boolean overRows) {
        if (x == null || x.rank() == 0) {
            throw new IllegalArgumentException(op + ": x is " + (x == null ? "missing (null)" : "a scalar")
                    + ", expected (rows M, width D)");
        }
        int w = x.dim(-1);
        Shapes.requirePositive(op, "x width D (last dimension of " + x.shapeString() + ")", w);
        if (overRows) {
            Shapes.require(op, "out", out, Shapes.names("width"), w);
        } else {
            Shapes.require(op, "out", out, null, Arrays.copyOf(x.shape(), x.rank() - 1));
        }
        Shapes.requireDistinct(op, "out", out, "x", x);
        return new Dims(x.size() / w, w);
    }

    /** {@code out[d] = sum_m x[m,d]}. */
    public static void sumRows(Backend backend, Tensor x, Tensor out) {
        rows(backend, "sumRows", x, out, false);
    }

    /** {@code out[d] = (1/M) sum_m x[m,d]}. */
    public static void meanRows(Backend backend, Tensor x, Tensor out) {
        rows(backend, "meanRows", x, out, true);
    }

    /** {@code out[m] = sum_d x[m,d]}. */
    public static void sumColumns(Backend backend, Tensor x, Tensor out) {
        columns(backend, "sumColumns", x, out, false);
    }

    /** {@code out[m] = (1/D) sum_d x[m,d]}. */
    public static void meanColumns(Backend backend, Tensor x, Tensor out) {
        columns(backend, "meanColumns", x, out, true);
    }

    /** {@code sum_i x_i^2} in double. */
    public static double sumSquares(Backend backend, Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException("sumSquares: x is missing (null)");
        }
        return switch (backend) {
            case Backend.Ref r -> ReduceRef.sumSquares(x);
            case Backend.Cpu c -> ReduceCpu.sumSquares(c, x);
            case Backend.Gpu g -> ReduceGpu.sumSquares(g.context(), x);
        };
    }

    /** {@code sqrt(sum_i x_i^2)} in double. */
    public static double l2Norm(Backend backend, Tensor x) {
        return Math.sqrt(sumSquares(backend, x));
    }

    private static void rows(Backend backend, String op, Tensor x, Tensor out, boolean mean) {
        Dims d = check(op, x, out, true);
        switch (backend) {
            case Backend.Ref r -> ReduceRef.rows(d, x, out, mean);
            case Backend.Cpu c -> ReduceCpu.rows(c, d, x, out, mean);
            case Backend.Gpu g -> ReduceGpu.rows(g.context(), d, x, out, mean);
        }
    }

    private static void columns(Backend backend, String op, Tensor x, Tensor out, boolean mean) {
        Dims d = check(op, x, out, false);
        switch (backend) {
            case Backend.Ref r -> ReduceRef.columns(d, x, out, mean);
            case Backend.Cpu c -> ReduceCpu.columns(c, d, x, out, mean);
            case Backend.Gpu g -> ReduceGpu.columns(g.context(), d, x, out, mean);
        }
    }
}
