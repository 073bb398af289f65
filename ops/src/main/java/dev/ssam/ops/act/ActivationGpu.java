package dev.ssam.ops.act;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Activation} on a GPU device ({@code kernels/act.cl}, one work-item per element); the
 * tensors stay resident on the device ({@link GpuSession#in}).
 */
final class ActivationGpu {
    private static final KernelSource SRC = KernelSource.load(ActivationGpu.class, "act.cl");
    private static final int GROUP = 256;

    private ActivationGpu() {
    }

    static void forward(GpuContext gpu, Activation act, Activation.Dims d, Tensor x, Tensor out) {
        try (GpuSession s = gpu.session(act.name().toLowerCase(java.util.Locale.ROOT))) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "act_forward", d.size(), GROUP, s.in(x), s.out(out), act.ordinal(), d.size());
        }
    }

    static void backward(GpuContext gpu, Activation act, Activation.Dims d, Tensor x, Tensor gout, Tensor gx) {
        try (GpuSession s = gpu.session(act.name().toLowerCase(java.util.Locale.ROOT))) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "act_backward", d.size(), GROUP, s.in(x), s.in(gout), s.out(gx), act.ordinal(), d.size());
        }
    }
}
