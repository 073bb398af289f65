package dev.ssam.ops.matmul;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;

/**
 * GPU pieces of {@link Matmul} that are not a {@link Gemm}: the bias gradient, one work-item per
 * column summing rows in ascending order in float (bitwise equal to {@link MatmulRef}).
 */
final class MatmulGpu {
    private static final int GROUP = 64;

    private MatmulGpu() {
    }

    /** {@code gbias[n] = sum_m gout[m, n]}. gout: (M, N), gbias: (N). */
    static void columnSums(GpuContext gpu, Matmul.Dims d, Tensor gout, Tensor gbias) {
        try (GpuSession s = gpu.session(Matmul.OP_BACKWARD)) {
            GpuProgram p = s.program(GemmGpu.SRC, null);
            s.launch1d(p, "matmul_column_sums", d.n(), GROUP, s.in(gout), s.out(gbias), d.m(), d.n());
        }
    }
}
