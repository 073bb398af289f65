package dev.ssam.ops.norm;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link LayerNorm} on an OpenCL device ({@code kernels/layernorm.cl}): one work-group per row
 * with a work-group-memory reduction for the statistics (float, fixed tree order), and ggamma,
 * gbeta from partial sums over blocks of {@value #ROWS} rows added in block order, so results do
 * not depend on scheduling. This first GPU step copies the host tensors to device buffers, runs
 * the kernels and reads the results back on every call; tensors that stay on the device between
 * ops come next.
 */
final class LayerNormOpenCl {
    private static final KernelSource SRC = KernelSource.load(LayerNormOpenCl.class, "layernorm.cl");
    /** Work-items per row (LN_GROUP in the source). */
    private static final int GROUP = 256;
    /** Rows per partial sum of ggamma, gbeta (LN_ROWS in the source). */
    private static final int ROWS = 32;
    private static final int GROUP_X = 64;

    private LayerNormOpenCl() {
    }

    static void forward(ClContext cl, LayerNorm.Dims d, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out,
                        Tensor mean, Tensor rstd) {
        try (ClSession s = cl.session(LayerNorm.OP)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer gb = s.upload(gamma);
            ClBuffer bb = s.upload(beta);
            ClBuffer ob = s.alloc((long) d.rows() * d.width());
            ClBuffer mb = mean == null ? null : s.alloc(d.rows());
            ClBuffer rb = rstd == null ? null : s.alloc(d.rows());
            s.launch1d(p, "ln_forward", (long) d.rows() * GROUP, GROUP, xb, gb, bb, ob, mb, rb, d.width(), eps);
            s.download(ob, out);
            if (mean != null) {
                s.download(mb, mean);
            }
            if (rstd != null) {
                s.download(rb, rstd);
            }
        }
    }

    static void backward(ClContext cl, LayerNorm.Dims d, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                         Tensor gout, Tensor gx, Tensor ggamma, Tensor gbeta) {
        try (ClSession s = cl.session(LayerNorm.OP)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer mb = s.upload(mean);
            ClBuffer rb = s.upload(rstd);
            ClBuffer gob = s.upload(gout);
            if (gx != null) {
                ClBuffer gb = s.upload(gamma);
                ClBuffer gxb = s.alloc((long) d.rows() * d.width());
                s.launch1d(p, "ln_backward_x", (long) d.rows() * GROUP, GROUP, xb, gb, mb, rb, gob, gxb, d.width());
                s.download(gxb, gx);
            }
            if (ggamma != null || gbeta != null) {
                int blocks = (d.rows() + ROWS - 1) / ROWS;
                ClBuffer pg = s.alloc((long) blocks * d.width()); // (blocks, D)
                ClBuffer pb = s.alloc((long) blocks * d.width()); // (blocks, D)
                s.launch2d(p, "ln_backward_partials", d.width(), blocks, GROUP_X, 1, xb, mb, rb, gob, pg, pb,
                        d.rows(), d.width());
                ClBuffer ggb = ggamma == null ? null : s.alloc(d.width());
                ClBuffer gbb = gbeta == null ? null : s.alloc(d.width());
                s.launch1d(p, "ln_backward_params", d.width(), GROUP_X, pg, pb, ggb, gbb, blocks, d.width());
                if (ggamma != null) {
                    s.download(ggb, ggamma);
                }
                if (gbeta != null) {
                    s.download(gbb, gbeta);
                }
            }
        }
    }
}
