package dev.ssam.ops.optim;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link AdamW} on an OpenCL device ({@code kernels/adamw.cl}): one work-item per element, torch's
 * operation order, bitwise equal to {@link AdamWRef} on devices with correctly rounded division
 * and sqrt. This first GPU step copies param, grad, m and v to the device and param, m, v back
 * on every step; optimiser state that stays on the device comes next.
 */
final class AdamWOpenCl {
    private static final KernelSource SRC = KernelSource.load(AdamWOpenCl.class, "adamw.cl");
    private static final int GROUP = 256;

    private AdamWOpenCl() {
    }

    static void step(ClContext cl, AdamW.Dims d, Tensor param, Tensor grad, Tensor m, Tensor v) {
        try (ClSession s = cl.session(AdamW.OP)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer pb = s.upload(param);
            ClBuffer gb = s.upload(grad);
            ClBuffer mb = s.upload(m);
            ClBuffer vb = s.upload(v);
            s.launch1d(p, "adamw_step", d.size(), GROUP, pb, gb, mb, vb, d.size(), d.decay(), d.decays() ? 1 : 0,
                    d.weight1(), d.beta2(), d.weight2(), d.negStep(), d.bc2Sqrt(), d.eps());
            s.download(pb, param);
            s.download(mb, m);
            s.download(vb, v);
        }
    }
}
