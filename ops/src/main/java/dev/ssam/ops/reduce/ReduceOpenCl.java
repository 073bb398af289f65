package dev.ssam.ops.reduce;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Reduce} on an OpenCL device ({@code kernels/reduce.cl}): one work-item per output with
 * a Kahan-compensated float sum in a fixed order (devices need not support fp64); sumSquares
 * sums blocks of {@value #BLOCK} elements on the device and the block sums in double on the
 * host, in order. This first GPU step copies the input to the device and the sums back on every
 * call; tensors that stay on the device between ops come next.
 */
final class ReduceOpenCl {
    private static final KernelSource SRC = KernelSource.load(ReduceOpenCl.class, "reduce.cl");
    private static final int GROUP = 64;
    /** Elements per device partial sum of sumSquares. */
    static final int BLOCK = 1024;

    private ReduceOpenCl() {
    }

    static void rows(ClContext cl, Reduce.Dims d, Tensor x, Tensor out, boolean mean) {
        run(cl, "reduce_rows", mean ? "meanRows" : "sumRows", d.width(), d, x, out, mean);
    }

    static void columns(ClContext cl, Reduce.Dims d, Tensor x, Tensor out, boolean mean) {
        run(cl, "reduce_columns", mean ? "meanColumns" : "sumColumns", d.rows(), d, x, out, mean);
    }

    private static void run(ClContext cl, String kernel, String op, int outputs, Reduce.Dims d, Tensor x, Tensor out,
                            boolean mean) {
        try (ClSession s = cl.session(op)) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer ob = s.alloc(outputs);
            s.launch1d(p, kernel, outputs, GROUP, xb, ob, d.rows(), d.width(), mean ? 1 : 0);
            s.download(ob, out);
        }
    }

    static double sumSquares(ClContext cl, Tensor x) {
        int n = x.size();
        int blocks = (n + BLOCK - 1) / BLOCK;
        float[] partial;
        try (ClSession s = cl.session("sumSquares")) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer pb = s.alloc(blocks);
            s.launch1d(p, "reduce_sum_squares", blocks, GROUP, xb, pb, n, BLOCK);
            partial = s.read(pb, blocks);
        }
        double acc = 0;
        for (float v : partial) {
            acc += v;
        }
        return acc;
    }
}
