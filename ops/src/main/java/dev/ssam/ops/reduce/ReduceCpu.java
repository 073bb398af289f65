package dev.ssam.ops.reduce;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API reductions. A float vector is widened into two double vectors of the same bit size
 * (its lower and upper halves) and accumulated in double. sumRows gives each thread whole
 * column blocks, so every column is summed over all rows in order by one thread; the other
 * reductions give threads whole rows or whole {@link Reduce#BLOCK}-element blocks.
 */
final class ReduceCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final VectorSpecies<Double> SD = VectorSpecies.of(double.class, S.vectorShape());
    private static final int LANES = S.length();
    private static final int HALF = SD.length();

    private ReduceCpu() {
    }

    static void rows(Backend.Cpu c, Reduce.Dims d, Tensor x, Tensor out, boolean mean) {
        int w = d.width();
        float[] xs = x.data();
        c.parallel().forRange(w, LANES, (from, to, worker) -> {
            double[] lanes = new double[LANES];
            for (int col = from; col < to; col += LANES) {
                DoubleVector lo = DoubleVector.zero(SD);
                DoubleVector hi = DoubleVector.zero(SD);
                for (int m = 0; m < d.rows(); m++) {
                    FloatVector v = load(xs, x.offset() + m * w + col, col, w);
                    lo = lo.add(v.convertShape(VectorOperators.F2D, SD, 0));
                    hi = hi.add(v.convertShape(VectorOperators.F2D, SD, 1));
                }
                lo.intoArray(lanes, 0);
                hi.intoArray(lanes, HALF);
                for (int i = col; i < Math.min(w, col + LANES); i++) {
                    double s = lanes[i - col];
                    out.data()[out.offset() + i] = (float) (mean ? s / d.rows() : s);
                }
            }
        });
    }

    static void columns(Backend.Cpu c, Reduce.Dims d, Tensor x, Tensor out, boolean mean) {
        int w = d.width();
        float[] xs = x.data();
        c.parallel().forRange(d.rows(), Math.max(1, Reduce.BLOCK / w), (from, to, worker) -> {
            for (int m = from; m < to; m++) {
                double s = sum(xs, x.offset() + m * w, w, false);
                out.data()[out.offset() + m] = (float) (mean ? s / w : s);
            }
        });
    }

    static double sumSquares(Backend.Cpu c, Tensor x) {
        int blocks = (x.size() + Reduce.BLOCK - 1) / Reduce.BLOCK;
        double[] partial = new double[blocks];
        c.parallel().forRange(blocks, (from, to, worker) -> {
            for (int b = from; b < to; b++) {
                int start = b * Reduce.BLOCK;
                int n = Math.min(x.size(), start + Reduce.BLOCK) - start;
                partial[b] = sum(x.data(), x.offset() + start, n, true);
            }
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    /** Sum of {@code a[at .. at+n)} (or of their squares) in double, lane by lane, then across lanes. */
    private static double sum(float[] a, int at, int n, boolean squares) {
        DoubleVector lo = DoubleVector.zero(SD);
        DoubleVector hi = DoubleVector.zero(SD);
        for (int i = 0; i < n; i += LANES) {
            FloatVector v = load(a, at + i, i, n);
            DoubleVector l = (DoubleVector) v.convertShape(VectorOperators.F2D, SD, 0);
            DoubleVector h = (DoubleVector) v.convertShape(VectorOperators.F2D, SD, 1);
            lo = squares ? l.fma(l, lo) : lo.add(l);
            hi = squares ? h.fma(h, hi) : hi.add(h);
        }
        return VectorMath.sumLanes(lo.add(hi));
    }

    /** Full load, or a masked load (zeros past n) on the last partial vector. */
    private static FloatVector load(float[] a, int at, int i, int n) {
        return i + LANES <= n ? FloatVector.fromArray(S, a, at) : FloatVector.fromArray(S, a, at, S.indexInRange(i, n));
    }
}
