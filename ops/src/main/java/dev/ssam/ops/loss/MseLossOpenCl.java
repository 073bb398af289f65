package dev.ssam.ops.loss;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link MseLoss} pieces on an OpenCL device ({@code kernels/mse.cl}): per-patch sums of squared
 * differences (Kahan-compensated float, one work-item per patch; the host adds them in double)
 * and the row-scaled gradient (bitwise equal to {@link MseLossRef}). This first GPU step copies
 * the tensors to the device and the results back on every call.
 */
final class MseLossOpenCl {
    private static final KernelSource SRC = KernelSource.load(MseLossOpenCl.class, "mse.cl");
    private static final int GROUP = 64;
    private static final int GROUP_ELEMENTS = 256;

    private MseLossOpenCl() {
    }

    /** Per patch: sum_v (pred - target)^2. (B*P) */
    static double[] patchSums(ClContext cl, MseLoss.Dims d, Tensor pred, Tensor target) {
        float[] sums;
        try (ClSession s = cl.session(MseLoss.OP)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer pb = s.upload(pred);
            ClBuffer tb = s.upload(target);
            ClBuffer sb = s.alloc(d.rows());
            s.launch1d(p, "mse_patch_sums", d.rows(), GROUP, pb, tb, sb, d.rows(), d.values());
            sums = s.read(sb, d.rows());
        }
        double[] out = new double[sums.length];
        for (int i = 0; i < sums.length; i++) {
            out[i] = sums[i];
        }
        return out;
    }

    /** gpred[r, v] = scale[r] * (2 (pred - target)). */
    static void gradient(ClContext cl, MseLoss.Dims d, Tensor pred, Tensor target, float[] scale, Tensor gpred) {
        int n = d.rows() * d.values();
        try (ClSession s = cl.session(MseLoss.OP)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer pb = s.upload(pred);
            ClBuffer tb = s.upload(target);
            ClBuffer sc = s.upload(scale, 0, d.rows());
            ClBuffer gb = s.alloc(n);
            s.launch1d(p, "mse_gradient", n, GROUP_ELEMENTS, pb, tb, sc, gb, d.rows(), d.values());
            s.download(gb, gpred);
        }
    }
}
