package dev.ssam.ops.matmul;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;

/**
 * GPU pieces of {@link Matmul} that are not a {@link Gemm}: the bias gradient in two deterministic
 * passes, sums of blocks of {@value #ROWS_PER_BLOCK} rows per column, then the blocks added in
 * order (float; within rounding of {@link MatmulRef}'s ascending sum).
 */
final class MatmulGpu {
    private static final int GROUP = 64;
    /** Rows summed by one work-item of the partial pass. */
    static final int ROWS_PER_BLOCK = 128;

    private MatmulGpu() {
    }

    /** {@code gbias[n] = sum_m gout[m, n]}. gout: (M, N), gbias: (N). */
    static void columnSums(GpuContext gpu, Matmul.Dims d, Tensor gout, Tensor gbias) {
        try (GpuSession s = gpu.session(Matmul.OP_BACKWARD)) {
            GpuProgram p = s.program(GemmGpu.SRC, null);
            int blocks = Math.max(1, (d.m() + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK);
            GpuBuffer part = s.alloc((long) blocks * d.n());
            s.launch2d(p, "matmul_column_sums_partial", d.n(), blocks, GROUP, 1, s.in(gout), part, d.m(), d.n(),
                    ROWS_PER_BLOCK);
            s.launch1d(p, "matmul_column_sums_reduce", d.n(), GROUP, part, s.out(gbias), d.n(), blocks);
        }
    }
}
