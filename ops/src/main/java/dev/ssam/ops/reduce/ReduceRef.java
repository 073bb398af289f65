package dev.ssam.ops.reduce;

import dev.ssam.runtime.Tensor;

/** Scalar reductions in double, plain sequential order: the oracle for {@link ReduceCpu}. */
final class ReduceRef {
    private ReduceRef() {
    }

    static void rows(Reduce.Dims d, Tensor x, Tensor out, boolean mean) {
        int w = d.width();
        double[] acc = new double[w]; // (D)
        for (int m = 0; m < d.rows(); m++) {
            for (int i = 0; i < w; i++) {
                // acc[d] += x[m,d], rows in order
                acc[i] += x.data()[x.offset() + m * w + i];
            }
        }
        for (int i = 0; i < w; i++) {
            out.data()[out.offset() + i] = (float) (mean ? acc[i] / d.rows() : acc[i]);
        }
    }

    static void columns(Reduce.Dims d, Tensor x, Tensor out, boolean mean) {
        int w = d.width();
        for (int m = 0; m < d.rows(); m++) {
            // acc = sum_d x[m,d]
            double acc = 0;
            for (int i = 0; i < w; i++) {
                acc += x.data()[x.offset() + m * w + i];
            }
            out.data()[out.offset() + m] = (float) (mean ? acc / w : acc);
        }
    }

    static double sumSquares(Tensor x) {
        double acc = 0;
        for (int i = 0; i < x.size(); i++) {
            double v = x.data()[x.offset() + i];
            acc += v * v;
        }
        return acc;
    }
}
