package dev.ssam.ops.loss;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link MseLoss} pieces on a GPU device ({@code kernels/mse.cl}): per-patch sums of squared
 * differences (Kahan-compensated float, one work-item per patch; the host adds them in double,
 * so only the B P sums cross) and the row-scaled gradient (bitwise equal to {@link MseLossRef};
 * the B P row scales are uploaded). pred, target and gpred stay resident on the device.
 */
final class MseLossGpu {
    private static final KernelSource SRC = KernelSource.load(MseLossGpu.class, "mse.cl");
    private static final int GROUP = 64;
    private static final int GROUP_ELEMENTS = 256;

    private MseLossGpu() {
    }

    /** Per patch: sum_v (pred - target)^2. (B*P) */
    static double[] patchSums(GpuContext gpu, MseLoss.Dims d, Tensor pred, Tensor target) {
        Tensor sums = Tensor.zeros(d.rows()); // (B*P)
        try (GpuSession s = gpu.session(MseLoss.OP)) {
            GpuProgram p = s.program(SRC, null);
            GpuBuffer sb = s.alloc(d.rows());
            s.launch1d(p, "mse_patch_sums", d.rows(), GROUP, s.in(pred), s.in(target), sb, d.rows(), d.values());
            s.download(sb, sums);
        }
        double[] out = new double[d.rows()];
        float[] host = sums.storage();
        for (int i = 0; i < out.length; i++) {
            out[i] = host[i];
        }
        return out;
    }

    /** gpred[r, v] = scale[r] * (2 (pred - target)). */
    static void gradient(GpuContext gpu, MseLoss.Dims d, Tensor pred, Tensor target, float[] scale, Tensor gpred) {
        int n = d.rows() * d.values();
        try (GpuSession s = gpu.session(MseLoss.OP)) {
            GpuProgram p = s.program(SRC, null);
            GpuBuffer sc = s.upload(Tensor.view(scale, 0, d.rows()));
            s.launch1d(p, "mse_gradient", n, GROUP_ELEMENTS, s.in(pred), s.in(target), sc, s.out(gpred), d.rows(),
                    d.values());
        }
    }
}
