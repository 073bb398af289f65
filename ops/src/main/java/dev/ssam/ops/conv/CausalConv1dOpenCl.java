package dev.ssam.ops.conv;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link CausalConv1d} on an OpenCL device ({@code kernels/conv.cl}): one work-item per output
 * element forward; backward computes dLoss/dpre once, then gx per element and gw, gbias per
 * (channel, tap) with the sums over batch and time in the reference's order (deterministic).
 * This first GPU step copies the host tensors to device buffers, runs the kernels and reads the
 * results back on every call; tensors that stay on the device between ops come next.
 */
final class CausalConv1dOpenCl {
    private static final KernelSource SRC = KernelSource.load(CausalConv1dOpenCl.class, "conv.cl");
    private static final int GROUP = 256;

    private CausalConv1dOpenCl() {
    }

    static void forward(ClContext cl, CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, boolean silu,
                        Tensor out) {
        int n = d.batch() * d.len() * d.channels();
        try (ClSession s = cl.session(CausalConv1d.OP)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer wb = s.upload(weight);
            ClBuffer bb = s.upload(bias);
            ClBuffer ob = s.alloc(n);
            s.launch1d(p, "conv_forward", n, GROUP, xb, wb, bb, ob, d.batch(), d.len(), d.channels(), d.kernel(),
                    silu ? 1 : 0);
            s.download(ob, out);
        }
    }

    static void backward(ClContext cl, CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, boolean silu,
                         Tensor gout, Tensor gx, Tensor gw, Tensor gbias) {
        int n = d.batch() * d.len() * d.channels();
        try (ClSession s = cl.session(CausalConv1d.OP)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer wb = s.upload(weight);
            ClBuffer bb = s.upload(bias);
            ClBuffer gob = s.upload(gout);
            ClBuffer g = s.alloc(n); // (B, L, E) dLoss/dpre
            s.launch1d(p, "conv_grad_pre", n, GROUP, xb, wb, bb, gob, g, d.batch(), d.len(), d.channels(),
                    d.kernel(), silu ? 1 : 0);
            if (gx != null) {
                ClBuffer gxb = s.alloc(n);
                s.launch1d(p, "conv_grad_x", n, GROUP, wb, g, gxb, d.batch(), d.len(), d.channels(), d.kernel());
                s.download(gxb, gx);
            }
            if (gw != null || gbias != null) {
                ClBuffer gwb = gw == null ? null : s.alloc((long) d.channels() * d.kernel());
                ClBuffer gbb = gbias == null ? null : s.alloc(d.channels());
                s.launch1d(p, "conv_grad_params", (long) (d.kernel() + 1) * d.channels(), GROUP, xb, g, gwb, gbb,
                        d.batch(), d.len(), d.channels(), d.kernel());
                if (gw != null) {
                    s.download(gwb, gw);
                }
                if (gbias != null) {
                    s.download(gbb, gbias);
                }
            }
        }
    }
}
