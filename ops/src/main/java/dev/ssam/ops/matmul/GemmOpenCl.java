package dev.ssam.ops.matmul;

import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Gemm} on an OpenCL device: the portable tiled kernel {@code sgemm_tiled} of
 * {@code kernels/matmul.cl} (64 x 64 tiles of C per work-group of 16 x 16, 4 x 4 per work-item,
 * k in slices of 16 through work-group memory; every transpose). On CUDA the projections will go
 * to cuBLAS instead.
 *
 * <p>Only the span of each operand from its first to its last element is copied; rows of C are
 * copied back one by one, so the floats between rows of a sub-matrix ({@code ldc > n}) are never
 * written. This first GPU step copies the operands to device buffers and the result back on
 * every call; tensors that stay on the device between ops come next.
 */
final class GemmOpenCl {
    static final KernelSource SRC = KernelSource.load(GemmOpenCl.class, "matmul.cl");
    /** Rows and columns of C per work-group (GEMM_TILE). */
    private static final int TILE = 64;
    /** Work-items per work-group side (GEMM_THREADS). */
    private static final int THREADS = 16;

    private GemmOpenCl() {
    }

    /** {@code C = alpha op(A) op(B) + beta C [+ bias]} on validated dims (see {@link GemmRef#gemm}). */
    static void gemm(ClContext cl, Gemm.Dims d, float alpha, float[] a, int aOff, float[] b, int bOff,
                     float beta, float[] c, int cOff, float[] bias, int biasOff) {
        if (d.m() == 0 || d.n() == 0) {
            return;
        }
        boolean product = alpha != 0f && d.k() != 0;
        int cSpan = (d.m() - 1) * d.ldc() + d.n();
        try (ClSession s = cl.session(Gemm.OP)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer ab = null;
            ClBuffer bb = null;
            if (product) {
                ab = s.upload(a, aOff, span(d.transA() ? d.k() : d.m(), d.transA() ? d.m() : d.k(), d.lda()));
                bb = s.upload(b, bOff, span(d.transB() ? d.n() : d.k(), d.transB() ? d.k() : d.n(), d.ldb()));
            }
            ClBuffer cb = beta == 0f ? s.alloc(cSpan) : s.upload(c, cOff, cSpan);
            ClBuffer biasb = bias == null ? null : s.upload(bias, biasOff, d.n());
            s.launch2d(p, "sgemm_tiled", groups(d.n()) * THREADS, groups(d.m()) * THREADS, THREADS, THREADS,
                    d.transA() ? 1 : 0, d.transB() ? 1 : 0, d.m(), d.n(), product ? d.k() : 0, alpha,
                    ab, d.lda(), bb, d.ldb(), beta, cb, d.ldc(), biasb);
            s.downloadRows(cb, d.m(), d.n(), d.ldc(), c, cOff, d.ldc());
        }
    }

    private static int span(int rows, int cols, int ld) {
        return (rows - 1) * ld + cols;
    }

    private static long groups(int size) {
        return (size + TILE - 1) / TILE;
    }
}
