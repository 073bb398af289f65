package dev.ssam.ops.reduce;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Reduce} on a GPU device ({@code kernels/reduce.cl}): one work-item per output with a
 * Kahan-compensated float sum in a fixed order (devices need not support fp64); sumSquares sums
 * blocks of {@value #BLOCK} elements on the device and the block sums in double on the host, in
 * order (only the block sums cross). Tensors stay resident on the device.
 */
final class ReduceGpu {
    private static final KernelSource SRC = KernelSource.load(ReduceGpu.class, "reduce.cl");
    private static final int GROUP = 64;
    /** Elements per device partial sum of sumSquares. */
    static final int BLOCK = 1024;

    private ReduceGpu() {
    }

    static void rows(GpuContext gpu, Reduce.Dims d, Tensor x, Tensor out, boolean mean) {
        run(gpu, "reduce_rows", mean ? "meanRows" : "sumRows", d.width(), d, x, out, mean);
    }

    static void columns(GpuContext gpu, Reduce.Dims d, Tensor x, Tensor out, boolean mean) {
        run(gpu, "reduce_columns", mean ? "meanColumns" : "sumColumns", d.rows(), d, x, out, mean);
    }

    private static void run(GpuContext gpu, String kernel, String op, int outputs, Reduce.Dims d, Tensor x,
                            Tensor out, boolean mean) {
        try (GpuSession s = gpu.session(op)) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, kernel, outputs, GROUP, s.in(x), s.out(out), d.rows(), d.width(), mean ? 1 : 0);
        }
    }

    static double sumSquares(GpuContext gpu, Tensor x) {
        int n = x.size();
        int blocks = (n + BLOCK - 1) / BLOCK;
        Tensor partial = Tensor.zeros(blocks); // (blocks)
        try (GpuSession s = gpu.session("sumSquares")) {
            GpuProgram p = s.program(SRC, null);
            GpuBuffer pb = s.alloc(blocks);
            s.launch1d(p, "reduce_sum_squares", blocks, GROUP, s.in(x), pb, n, BLOCK);
            s.download(pb, partial);
        }
        double acc = 0;
        for (float v : partial.storage()) {
            acc += v;
        }
        return acc;
    }
}
