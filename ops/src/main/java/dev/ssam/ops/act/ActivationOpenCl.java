package dev.ssam.ops.act;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Activation} on an OpenCL device ({@code kernels/act.cl}, one work-item per element).
 * This first GPU step copies the host tensors to device buffers, runs the kernel and reads the
 * result back on every call; tensors that stay on the device between ops come next.
 */
final class ActivationOpenCl {
    private static final KernelSource SRC = KernelSource.load(ActivationOpenCl.class, "act.cl");
    private static final int GROUP = 256;

    private ActivationOpenCl() {
    }

    static void forward(ClContext cl, Activation act, Activation.Dims d, Tensor x, Tensor out) {
        try (ClSession s = cl.session(act.name().toLowerCase(java.util.Locale.ROOT))) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer ob = s.alloc(d.size());
            s.launch1d(p, "act_forward", d.size(), GROUP, xb, ob, act.ordinal(), d.size());
            s.download(ob, out);
        }
    }

    static void backward(ClContext cl, Activation act, Activation.Dims d, Tensor x, Tensor gout, Tensor gx) {
        try (ClSession s = cl.session(act.name().toLowerCase(java.util.Locale.ROOT))) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer gb = s.upload(gout);
            ClBuffer ob = s.alloc(d.size());
            s.launch1d(p, "act_backward", d.size(), GROUP, xb, gb, ob, act.ordinal(), d.size());
            s.download(ob, gx);
        }
    }
}
