package dev.ssam.ops.elementwise;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Elementwise} on a GPU device ({@code kernels/elementwise.cl}); results equal Ref bit for
 * bit (no contraction). Tensors stay resident on the device; an in-place call (out is x) reads and
 * writes the same device copy.
 */
final class ElementwiseGpu {
    private static final KernelSource SRC = KernelSource.load(ElementwiseGpu.class, "elementwise.cl");
    private static final int GROUP = 256;

    private ElementwiseGpu() {
    }

    static void binary(GpuContext gpu, Elementwise.Binary op, Elementwise.Dims d, Tensor x, Tensor y, Tensor out) {
        try (GpuSession s = gpu.session(op == Elementwise.Binary.ADD ? "add" : "mul")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "ew_binary", d.width(), GROUP, s.in(x), s.in(y), s.out(out), op.ordinal(), d.width());
        }
    }

    static void scale(GpuContext gpu, Elementwise.Dims d, Tensor x, float alpha, Tensor out) {
        try (GpuSession s = gpu.session("scale")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "ew_scale", d.width(), GROUP, s.in(x), s.out(out), alpha, d.width());
        }
    }

    static void negExp(GpuContext gpu, Elementwise.Dims d, Tensor x, Tensor out) {
        try (GpuSession s = gpu.session("negExp")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "ew_neg_exp", d.width(), GROUP, s.in(x), s.out(out), d.width());
        }
    }

    static void axpy(GpuContext gpu, Elementwise.Dims d, float alpha, Tensor x, Tensor y) {
        try (GpuSession s = gpu.session("axpy")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "ew_axpy", d.width(), GROUP, s.in(x), s.inOut(y), alpha, d.width());
        }
    }

    static void fill(GpuContext gpu, Elementwise.Dims d, Tensor out, float value) {
        try (GpuSession s = gpu.session("fill")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "ew_fill", d.width(), GROUP, s.out(out), value, d.width());
        }
    }

    static void addRow(GpuContext gpu, Elementwise.Dims d, Tensor x, Tensor v, Tensor out) {
        try (GpuSession s = gpu.session("addRow")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "ew_add_row", (long) d.width() * d.rows(), GROUP, s.in(x), s.in(v), s.out(out), d.rows(),
                    d.width());
        }
    }

    /** dst[m, dstCol + i] = src[m, srcCol + i] for i &lt; width; the other columns of dst are not written. */
    static void columns(GpuContext gpu, Elementwise.Dims d, Tensor src, int srcWidth, int srcCol, Tensor dst,
                        int dstWidth, int dstCol, int width) {
        try (GpuSession s = gpu.session("split/concat")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "ew_columns", (long) width * d.rows(), GROUP, s.in(src),
                    width == dstWidth ? s.out(dst) : s.inOut(dst), d.rows(), srcWidth, srcCol, dstWidth, dstCol, width);
        }
    }
}
