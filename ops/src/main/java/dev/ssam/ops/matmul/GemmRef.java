package dev.ssam.ops.matmul;

/**
 * The oracle: the textbook triple loop, float accumulation in ascending k order.
 */
final class GemmRef {
    private GemmRef() {
    }

    /** {@code C = alpha op(A) op(B) + beta C [+ bias]} on validated dims. */
    static void gemm(Gemm.Dims d, float alpha, float[] a, int aOff, float[] b, int bOff,
                     float beta, float[] c, int cOff, float[] bias, int biasOff) {
        for (int i = 0; i < d.m(); i++) {
            for (int j = 0; j < d.n(); j++) {
                int ci = cOff + i * d.ldc() + j;
                // C scaled by beta; beta == 0 means C is not read.
                float scaled = beta == 0f ? 0f : beta * c[ci];
                float v;
                if (alpha == 0f || d.k() == 0) {
                    // BLAS: A and B are not read.
                    v = scaled;
                } else {
                    // acc = sum_p op(A)[i,p] op(B)[p,j], in p order.
                    float acc = 0f;
                    for (int p = 0; p < d.k(); p++) {
                        acc += opA(d, a, aOff, i, p) * opB(d, b, bOff, p, j);
                    }
                    v = beta == 0f ? alpha * acc : alpha * acc + scaled;
                }
                // The bias of a linear layer comes last.
                c[ci] = bias == null ? v : v + bias[biasOff + j];
            }
        }
    }

    private static float opA(Gemm.Dims d, float[] a, int aOff, int i, int p) {
        return d.transA() ? a[aOff + p * d.lda() + i] : a[aOff + i * d.lda() + p];
    }

    private static float opB(Gemm.Dims d, float[] b, int bOff, int p, int j) {
        return d.transB() ? b[bOff + j * d.ldb() + p] : b[bOff + p * d.ldb() + j];
    }
}
