package dev.ssam.ops.elementwise;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Elementwise} on an OpenCL device ({@code kernels/elementwise.cl}); results equal Ref bit
 * for bit (no contraction). This first GPU step copies the host tensors to device buffers, runs
 * the kernel and reads the result back on every call; tensors that stay on the device between
 * ops come next.
 */
final class ElementwiseOpenCl {
    private static final KernelSource SRC = KernelSource.load(ElementwiseOpenCl.class, "elementwise.cl");
    private static final int GROUP = 256;
    /** Work-group of the 2-D (width, rows) kernels. */
    private static final int GROUP_X = 64;
    private static final int GROUP_Y = 4;

    private ElementwiseOpenCl() {
    }

    static void binary(ClContext cl, Elementwise.Binary op, Elementwise.Dims d, Tensor x, Tensor y, Tensor out) {
        try (ClSession s = cl.session(op == Elementwise.Binary.ADD ? "add" : "mul")) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer yb = s.upload(y);
            ClBuffer ob = s.alloc(d.width());
            s.launch1d(p, "ew_binary", d.width(), GROUP, xb, yb, ob, op.ordinal(), d.width());
            s.download(ob, out);
        }
    }

    static void scale(ClContext cl, Elementwise.Dims d, Tensor x, float alpha, Tensor out) {
        try (ClSession s = cl.session("scale")) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer ob = s.alloc(d.width());
            s.launch1d(p, "ew_scale", d.width(), GROUP, xb, ob, alpha, d.width());
            s.download(ob, out);
        }
    }

    static void axpy(ClContext cl, Elementwise.Dims d, float alpha, Tensor x, Tensor y) {
        try (ClSession s = cl.session("axpy")) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer yb = s.upload(y);
            s.launch1d(p, "ew_axpy", d.width(), GROUP, xb, yb, alpha, d.width());
            s.download(yb, y);
        }
    }

    static void fill(ClContext cl, Elementwise.Dims d, Tensor out, float value) {
        try (ClSession s = cl.session("fill")) {
            ClProgram p = s.program(SRC, null);
            ClBuffer ob = s.alloc(d.width());
            s.launch1d(p, "ew_fill", d.width(), GROUP, ob, value, d.width());
            s.download(ob, out);
        }
    }

    static void addRow(ClContext cl, Elementwise.Dims d, Tensor x, Tensor v, Tensor out) {
        try (ClSession s = cl.session("addRow")) {
            ClProgram p = s.program(SRC, null);
            ClBuffer xb = s.upload(x);
            ClBuffer vb = s.upload(v);
            ClBuffer ob = s.alloc((long) d.rows() * d.width());
            s.launch2d(p, "ew_add_row", d.width(), d.rows(), GROUP_X, GROUP_Y, xb, vb, ob, d.rows(), d.width());
            s.download(ob, out);
        }
    }

    /** dst[m, dstCol + i] = src[m, srcCol + i] for i &lt; width; the other columns of dst are not written. */
    static void columns(ClContext cl, Elementwise.Dims d, Tensor src, int srcWidth, int srcCol, Tensor dst,
                        int dstWidth, int dstCol, int width) {
        try (ClSession s = cl.session("split/concat")) {
            ClProgram p = s.program(SRC, null);
            ClBuffer sb = s.upload(src);
            ClBuffer db = s.alloc((long) d.rows() * width);
            s.launch2d(p, "ew_columns", width, d.rows(), GROUP_X, GROUP_Y, sb, db, d.rows(), srcWidth, srcCol, width);
            s.downloadRows(db, d.rows(), width, width, dst.data(), dst.offset() + dstCol, dstWidth);
        }
    }
}
