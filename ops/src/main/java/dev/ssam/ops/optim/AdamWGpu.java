package dev.ssam.ops.optim;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link AdamW} on a GPU device ({@code kernels/adamw.cl}): one work-item per element, torch's
 * operation order, bitwise equal to {@link AdamWRef} on devices with correctly rounded division
 * and sqrt. Parameters, gradients and both moments stay resident on the device between steps.
 */
final class AdamWGpu {
    private static final KernelSource SRC = KernelSource.load(AdamWGpu.class, "adamw.cl");
    private static final int GROUP = 256;

    private AdamWGpu() {
    }

    static void step(GpuContext gpu, AdamW.Dims d, Tensor param, Tensor grad, Tensor m, Tensor v) {
        try (GpuSession s = gpu.session(AdamW.OP)) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "adamw_step", d.size(), GROUP, s.inOut(param), s.in(grad), s.inOut(m), s.inOut(v), d.size(),
                    d.decay(), d.decays() ? 1 : 0, d.weight1(), d.beta2(), d.weight2(), d.negStep(), d.bc2Sqrt(),
                    d.eps());
        }
    }
}
