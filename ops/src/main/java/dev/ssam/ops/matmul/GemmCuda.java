package dev.ssam.ops.matmul;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.cuda.CuContext;
import dev.ssam.runtime.cuda.CuSession;
import dev.ssam.runtime.gpu.GpuBuffer;

/**
 * {@link Gemm} on CUDA: cuBLAS {@code cublasSgemm_v2} on the resident operand windows, in the
 * context's math mode (full fp32 unless TF32 was asked for), with the row-major operands
 * handed to column-major cuBLAS as {@code dev.ssam.runtime.cuda.Cublas#rowMajor} describes. A
 * bias is added last by a second, rank-1 product {@code C += ones (m, 1) * bias (1, n)}: one
 * rounding per element, as the reference's {@code c + bias[j]}.
 *
 * <p>BLAS conventions carry over: {@code beta == 0} never reads C; without a product
 * ({@code alpha == 0} or {@code k == 0}) A and B are not touched and {@code C = beta C}.
 */
final class GemmCuda {
    private GemmCuda() {
    }

    /** {@code C = alpha op(A) op(B) + beta C [+ bias]} on validated dims; a and b may be null without a product. */
    static void gemm(CuContext cuda, Gemm.Dims d, float alpha, Tensor a, Tensor b, float beta, Tensor c, Tensor bias) {
        if (d.m() == 0 || d.n() == 0) {
            return;
        }
        boolean product = alpha != 0f && d.k() != 0;
        try (CuSession s = cuda.session(Gemm.OP)) {
            GpuBuffer ab = product ? s.in(a) : null;
            GpuBuffer bb = product ? s.in(b) : null;
            GpuBuffer cb = beta == 0f && d.ldc() == d.n() ? s.out(c) : s.inOut(c);
            s.sgemm(d.transA(), d.transB(), d.m(), d.n(), product ? d.k() : 0, product ? alpha : 0f, ab, d.lda(), bb,
                    d.ldb(), beta, cb, d.ldc());
            if (bias != null) {
                GpuBuffer ones = s.alloc(d.m());                           // (m, 1)
                s.fill(ones, d.m(), 1f);
                s.sgemm(false, false, d.m(), d.n(), 1, 1f, ones, 1, s.in(bias), d.n(), 1f, cb, d.ldc());
            }
        }
    }
}
