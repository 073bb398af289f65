package dev.ssam.ops.elementwise;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Vector API elementwise ops. These are memory bound: threads take contiguous ranges of at
 * least {@link #GRAIN} elements so small tensors stay on the calling thread. Column copies are
 * {@link System#arraycopy} per row (an intrinsic already at memory speed).
 */
final class ElementwiseCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int LANES = S.length();
    /** Elements per parallel grain (a multiple of every lane count). */
    private static final int GRAIN = 1 << 14;

    private ElementwiseCpu() {
    }

    static void binary(Backend.Cpu c, Elementwise.Binary op, Elementwise.Dims d, Tensor x, Tensor y, Tensor out) {
        float[] xs = x.data();
        float[] ys = y.data();
        float[] os = out.data();
        int xo = x.offset();
        int yo = y.offset();
        int oo = out.offset();
        boolean add = op == Elementwise.Binary.ADD;
        c.parallel().forRange(d.width(), GRAIN, (from, to, w) -> {
            for (int i = from; i < to; i += LANES) {
                FloatVector a = load(xs, xo + i, i, to);
                FloatVector b = load(ys, yo + i, i, to);
                store(add ? a.add(b) : a.mul(b), os, oo + i, i, to);
            }
        });
    }

    static void scale(Backend.Cpu c, Elementwise.Dims d, Tensor x, float alpha, Tensor out) {
        float[] xs = x.data();
        float[] os = out.data();
        int xo = x.offset();
        int oo = out.offset();
        c.parallel().forRange(d.width(), GRAIN, (from, to, w) -> {
            for (int i = from; i < to; i += LANES) {
                store(load(xs, xo + i, i, to).mul(alpha), os, oo + i, i, to);
            }
        });
    }

    static void axpy(Backend.Cpu c, Elementwise.Dims d, float alpha, Tensor x, Tensor y) {
        float[] xs = x.data();
        float[] ys = y.data();
        int xo = x.offset();
        int yo = y.offset();
        c.parallel().forRange(d.width(), GRAIN, (from, to, w) -> {
            for (int i = from; i < to; i += LANES) {
                // multiply then add, not fma: bitwise equal to Ref
                FloatVector r = load(xs, xo + i, i, to).mul(alpha).add(load(ys, yo + i, i, to));
                store(r, ys, yo + i, i, to);
            }
        });
    }

    static void fill(Backend.Cpu c, Elementwise.Dims d, Tensor out, float value) {
        int oo = out.offset();
        c.parallel().forRange(d.width(), GRAIN, (from, to, w) -> Arrays.fill(out.data(), oo + from, oo + to, value));
    }

    static void addRow(Backend.Cpu c, Elementwise.Dims d, Tensor x, Tensor v, Tensor out) {
        int width = d.width();
        float[] xs = x.data();
        float[] vs = v.data();
        float[] os = out.data();
        int rowGrain = Math.max(1, GRAIN / width);
        c.parallel().forRange(d.rows(), rowGrain, (from, to, w) -> {
            for (int r = from; r < to; r++) {
                int xr = x.offset() + r * width;
                int or = out.offset() + r * width;
                for (int i = 0; i < width; i += LANES) {
                    FloatVector a = load(xs, xr + i, i, width);
                    store(a.add(load(vs, v.offset() + i, i, width)), os, or + i, i, width);
                }
            }
        });
    }

    static void columns(Backend.Cpu c, Elementwise.Dims d, Tensor src, int srcWidth, int srcCol, Tensor dst,
                        int dstWidth, int dstCol, int width) {
        int rowGrain = Math.max(1, GRAIN / width);
        c.parallel().forRange(d.rows(), rowGrain, (from, to, w) -> {
            for (int r = from; r < to; r++) {
                System.arraycopy(src.data(), src.offset() + r * srcWidth + srcCol,
                        dst.data(), dst.offset() + r * dstWidth + dstCol, width);
            }
        });
    }

    /** Full load inside the range, masked load on its last partial vector (index i of end). */
    private static FloatVector load(float[] a, int at, int i, int end) {
        return i + LANES <= end ? FloatVector.fromArray(S, a, at)
                : FloatVector.fromArray(S, a, at, S.indexInRange(i, end));
    }

    private static void store(FloatVector v, float[] a, int at, int i, int end) {
        if (i + LANES <= end) {
            v.intoArray(a, at);
        } else {
            v.intoArray(a, at, S.indexInRange(i, end));
        }
    }
}
