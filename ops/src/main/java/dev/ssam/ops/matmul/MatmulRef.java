package dev.ssam.ops.matmul;

import dev.ssam.runtime.Tensor;

/**
 * Reference pieces of {@link Matmul} that are not a {@link Gemm}: the bias gradient.
 */
final class MatmulRef {
    private MatmulRef() {
    }

    /** {@code gbias[n] = sum_m gout[m, n]}, float, ascending m. gout: (M, N), gbias: (N). */
    static void columnSums(Matmul.Dims d, Tensor gout, Tensor gbias) {
        float[] g = gout.data();
        for (int n = 0; n < d.n(); n++) {
            // one column, rows in order
            float acc = 0f;
            for (int m = 0; m < d.m(); m++) {
                acc += g[gout.offset() + m * d.n() + n];
            }
            gbias.data()[gbias.offset() + n] = acc;
        }
    }
}
