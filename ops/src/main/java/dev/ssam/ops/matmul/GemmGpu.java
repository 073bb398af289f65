package dev.ssam.ops.matmul;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Gemm} on a GPU device: the portable tiled kernel {@code sgemm_tiled} of
 * {@code kernels/matmul.cl} (64 x 64 tiles of C per work-group of 16 x 16, 4 x 4 per work-item,
 * k in slices of 16 through work-group memory; every transpose).
 *
 * <p>Operands are resident device windows ({@link GpuSession#in}): each is a 1-D tensor whose
 * element 0 is the operand's first element and which spans to its last. C is written in place
 * of its window; with {@code ldc > n} or {@code beta != 0} its window is made current first,
 * so the floats between rows of a sub-matrix keep their values.
 */
final class GemmGpu {
    static final KernelSource SRC = KernelSource.load(GemmGpu.class, "matmul.cl");
    /** Rows and columns of C per work-group (GEMM_TILE). */
    private static final int TILE = 64;
    /** Work-items per work-group side (GEMM_THREADS). */
    private static final int THREADS = 16;

    private GemmGpu() {
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C [+ bias]} on validated dims (see {@link GemmRef#gemm});
     * a and b may be null when the product is not read ({@code alpha == 0} or {@code k == 0}).
     */
    static void gemm(GpuContext gpu, Gemm.Dims d, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                     Tensor bias) {
        if (d.m() == 0 || d.n() == 0) {
            return;
        }
        boolean product = alpha != 0f && d.k() != 0;
        try (GpuSession s = gpu.session(Gemm.OP)) {
            GpuProgram p = s.program(SRC, null);
            GpuBuffer ab = product ? s.in(a) : null;
            GpuBuffer bb = product ? s.in(b) : null;
            GpuBuffer biasb = s.in(bias);
            GpuBuffer cb = beta == 0f && d.ldc() == d.n() ? s.out(c) : s.inOut(c);
            s.launch2d(p, "sgemm_tiled", groups(d.n()) * THREADS, groups(d.m()) * THREADS, THREADS, THREADS,
                    d.transA() ? 1 : 0, d.transB() ? 1 : 0, d.m(), d.n(), product ? d.k() : 0, alpha,
                    ab, d.lda(), bb, d.ldb(), beta, cb, d.ldc(), biasb);
        }
    }

    /** The window of an operand stored {@code rows x cols} with row stride {@code ld} from {@code off}. */
    static Tensor window(float[] x, int off, int rows, int cols, int ld) {
        return Tensor.view(x, off, (rows - 1) * ld + cols);
    }

    private static long groups(int size) {
        return (size + TILE - 1) / TILE;
    }
}
