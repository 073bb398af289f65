package dev.ssam.ops.norm;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link LayerNorm} on a GPU device ({@code kernels/layernorm.cl}): {@value #LANES} work-items per
 * row, {@value #GROUP_ROWS} rows per work-group, a work-group-memory reduction over each row's lanes
 * for the statistics (float, fixed tree order), and ggamma, gbeta
 * from partial sums over blocks of {@value #ROWS} rows added in block order, so results do not
 * depend on scheduling. Tensors stay resident on the device.
 */
final class LayerNormGpu {
    private static final KernelSource SRC = KernelSource.load(LayerNormGpu.class, "layernorm.cl");
    /** Work-items per row (compiled in as LN_LANES; a power of two). */
    private static final int LANES = 32;
    /** Rows per work-group (compiled in as LN_GROUP_ROWS). */
    private static final int GROUP_ROWS = 8;
    private static final int GROUP = LANES * GROUP_ROWS;
    private static final String DEFINES = "-DLN_LANES=" + LANES + " -DLN_GROUP_ROWS=" + GROUP_ROWS;
    /** Rows per partial sum of ggamma, gbeta (LN_ROWS in the source). */
    private static final int ROWS = 32;
    private static final int GROUP_X = 64;

    private LayerNormGpu() {
    }

    static void forward(GpuContext gpu, LayerNorm.Dims d, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out,
                        Tensor mean, Tensor rstd) {
        try (GpuSession s = gpu.session(LayerNorm.OP)) {
            GpuProgram p = s.program(SRC, DEFINES);
            GpuBuffer mb = mean == null ? null : s.out(mean);
            GpuBuffer rb = rstd == null ? null : s.out(rstd);
            s.launch1d(p, "ln_forward", rowItems(d), GROUP, s.in(x), s.in(gamma), s.in(beta), s.out(out), mb, rb,
                    d.rows(), d.width(), eps);
        }
    }

    /** Work-items of the row kernels: LANES per row, whole groups. */
    private static long rowItems(LayerNorm.Dims d) {
        return (long) LANES * d.rows();
    }

    static void backward(GpuContext gpu, LayerNorm.Dims d, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                         Tensor gout, Tensor gx, Tensor ggamma, Tensor gbeta) {
        try (GpuSession s = gpu.session(LayerNorm.OP)) {
            GpuProgram p = s.program(SRC, DEFINES);
            GpuBuffer xb = s.in(x);
            GpuBuffer mb = s.in(mean);
            GpuBuffer rb = s.in(rstd);
            GpuBuffer gob = s.in(gout);
            if (gx != null) {
                s.launch1d(p, "ln_backward_x", rowItems(d), GROUP, xb, s.in(gamma), mb, rb, gob, s.out(gx), d.rows(),
                        d.width());
            }
            if (ggamma != null || gbeta != null) {
                int blocks = (d.rows() + ROWS - 1) / ROWS;
                GpuBuffer pg = s.alloc((long) blocks * d.width()); // (blocks, D)
                GpuBuffer pb = s.alloc((long) blocks * d.width()); // (blocks, D)
                s.launch2d(p, "ln_backward_partials", d.width(), blocks, GROUP_X, 1, xb, mb, rb, gob, pg, pb,
                        d.rows(), d.width());
                GpuBuffer ggb = ggamma == null ? null : s.out(ggamma);
                GpuBuffer gbb = gbeta == null ? null : s.out(gbeta);
                s.launch1d(p, "ln_backward_params", d.width(), GROUP_X, pg, pb, ggb, gbb, blocks, d.width());
            }
        }
    }
}
