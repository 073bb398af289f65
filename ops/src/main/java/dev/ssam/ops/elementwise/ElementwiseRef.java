package dev.ssam.ops.elementwise;

import dev.ssam.runtime.Tensor;

/** Scalar elementwise ops: the oracle for {@link ElementwiseCpu}. */
final class ElementwiseRef {
    private ElementwiseRef() {
    }

    static void binary(Elementwise.Binary op, Elementwise.Dims d, Tensor x, Tensor y, Tensor out) {
        float[] xs = x.data();
        float[] ys = y.data();
        float[] os = out.data();
        for (int i = 0; i < d.width(); i++) {
            float a = xs[x.offset() + i];
            float b = ys[y.offset() + i];
            // out = x + y or x * y
            os[out.offset() + i] = op == Elementwise.Binary.ADD ? a + b : a * b;
        }
    }

    static void scale(Elementwise.Dims d, Tensor x, float alpha, Tensor out) {
        for (int i = 0; i < d.width(); i++) {
            // out = alpha * x
            out.data()[out.offset() + i] = alpha * x.data()[x.offset() + i];
        }
    }

    static void negExp(Elementwise.Dims d, Tensor x, Tensor out) {
        float[] xs = x.data();
        float[] o = out.data();
        for (int i = 0; i < d.width(); i++) {
            // out = -exp(x), in double, rounded once
            o[out.offset() + i] = (float) -Math.exp(xs[x.offset() + i]);
        }
    }

    static void axpy(Elementwise.Dims d, float alpha, Tensor x, Tensor y) {
        for (int i = 0; i < d.width(); i++) {
            // y = y + alpha * x, two roundings
            y.data()[y.offset() + i] += alpha * x.data()[x.offset() + i];
        }
    }

    static void fill(Elementwise.Dims d, Tensor out, float value) {
        for (int i = 0; i < d.width(); i++) {
            out.data()[out.offset() + i] = value;
        }
    }

    static void addRow(Elementwise.Dims d, Tensor x, Tensor v, Tensor out) {
        int w = d.width();
        for (int m = 0; m < d.rows(); m++) {
            for (int i = 0; i < w; i++) {
                // out[m, i] = x[m, i] + v[i]
                out.data()[out.offset() + m * w + i] = x.data()[x.offset() + m * w + i] + v.data()[v.offset() + i];
            }
        }
    }

    static void columns(Elementwise.Dims d, Tensor src, int srcWidth, int srcCol, Tensor dst, int dstWidth,
                        int dstCol, int width) {
        for (int m = 0; m < d.rows(); m++) {
            for (int i = 0; i < width; i++) {
                // dst[m, dstCol + i] = src[m, srcCol + i]
                dst.data()[dst.offset() + m * dstWidth + dstCol + i] =
                        src.data()[src.offset() + m * srcWidth + srcCol + i];
            }
        }
    }
}
