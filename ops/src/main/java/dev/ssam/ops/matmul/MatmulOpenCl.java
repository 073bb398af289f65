package dev.ssam.ops.matmul;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;

/**
 * OpenCL pieces of {@link Matmul} that are not a {@link Gemm}: the bias gradient, one work-item
 * per column summing rows in ascending order in float (bitwise equal to {@link MatmulRef}). This
 * first GPU step copies gout to the device and the sums back on every call.
 */
final class MatmulOpenCl {
    private static final int GROUP = 64;

    private MatmulOpenCl() {
    }

    /** {@code gbias[n] = sum_m gout[m, n]}. gout: (M, N), gbias: (N). */
    static void columnSums(ClContext cl, Matmul.Dims d, Tensor gout, Tensor gbias) {
        try (ClSession s = cl.session(Matmul.OP_BACKWARD)) {
            ClProgram p = s.program(GemmOpenCl.SRC, null);
            ClBuffer g = s.upload(gout);
            ClBuffer out = s.alloc(d.n());
            s.launch1d(p, "matmul_column_sums", d.n(), GROUP, g, out, d.m(), d.n());
            s.download(out, gbias);
        }
    }
}
