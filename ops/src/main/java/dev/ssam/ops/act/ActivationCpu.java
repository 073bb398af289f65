package dev.ssam.ops.act;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Parallel;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activations, split into contiguous element ranges across threads.
 *
 * <p>One loop per activation and direction, picked before the parallel split, each with one
 * copy of its math (masked loads cover the tail; masked-off lanes read zeros, which every
 * activation maps to a finite value). A loop that switched per vector put every activation's
 * inlined math into one compiled method, past C2's inlining node budget, and the helpers it then
 * left as calls boxed their vectors (the allocation profile of a training step showed it).
 */
final class ActivationCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int LANES = S.length();
    /** Elements per parallel grain: a multiple of every lane count, large enough to amortise a task. */
    private static final int GRAIN = 4096;

    private ActivationCpu() {
    }

    static void forward(Backend.Cpu c, Activation act, Activation.Dims d, Tensor x, Tensor out) {
        float[] xs = x.data();
        float[] os = out.data();
        int xo = x.offset();
        int oo = out.offset();
        Parallel.RangeBody body = switch (act) {
            case SILU -> (from, to, w) -> silu(xs, xo, os, oo, from, to);
            case GELU -> (from, to, w) -> gelu(xs, xo, os, oo, from, to);
            case SOFTPLUS -> (from, to, w) -> softplus(xs, xo, os, oo, from, to);
        };
        c.parallel().forRange(d.size(), GRAIN, body);
    }

    static void backward(Backend.Cpu c, Activation act, Activation.Dims d, Tensor x, Tensor gout, Tensor gx) {
        float[] xs = x.data();
        float[] gs = gout.data();
        float[] os = gx.data();
        int xo = x.offset();
        int go = gout.offset();
        int oo = gx.offset();
        Parallel.RangeBody body = switch (act) {
            case SILU -> (from, to, w) -> siluGrad(xs, xo, gs, go, os, oo, from, to);
            case GELU -> (from, to, w) -> geluGrad(xs, xo, gs, go, os, oo, from, to);
            case SOFTPLUS -> (from, to, w) -> softplusGrad(xs, xo, gs, go, os, oo, from, to);
        };
        c.parallel().forRange(d.size(), GRAIN, body);
    }

    private static void silu(float[] x, int xo, float[] o, int oo, int from, int to) {
        for (int i = from; i < to; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, to);
            VectorMath.silu(FloatVector.fromArray(S, x, xo + i, m)).intoArray(o, oo + i, m);
        }
    }

    /** Two passes through {@code o} (the erf first), as {@link VectorMath#gelu(FloatVector, FloatVector)} says why. */
    private static void gelu(float[] x, int xo, float[] o, int oo, int from, int to) {
        erfPass(x, xo, o, oo, from, to);
        for (int i = from; i < to; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector e = FloatVector.fromArray(S, o, oo + i, m);
            VectorMath.gelu(FloatVector.fromArray(S, x, xo + i, m), e).intoArray(o, oo + i, m);
        }
    }

    /** o = erf(x / sqrt 2). */
    private static void erfPass(float[] x, int xo, float[] o, int oo, int from, int to) {
        for (int i = from; i < to; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, to);
            VectorMath.erfOverSqrt2(FloatVector.fromArray(S, x, xo + i, m)).intoArray(o, oo + i, m);
        }
    }

    private static void softplus(float[] x, int xo, float[] o, int oo, int from, int to) {
        for (int i = from; i < to; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, to);
            VectorMath.softplus(FloatVector.fromArray(S, x, xo + i, m)).intoArray(o, oo + i, m);
        }
    }

    /** o = g silu'(x). */
    private static void siluGrad(float[] x, int xo, float[] g, int go, float[] o, int oo, int from, int to) {
        for (int i = from; i < to; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector d = VectorMath.siluGrad(FloatVector.fromArray(S, x, xo + i, m));
            FloatVector.fromArray(S, g, go + i, m).mul(d).intoArray(o, oo + i, m);
        }
    }

    /** o = g gelu'(x), the erf in a pass of its own through {@code o}. */
    private static void geluGrad(float[] x, int xo, float[] g, int go, float[] o, int oo, int from, int to) {
        erfPass(x, xo, o, oo, from, to);
        for (int i = from; i < to; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector e = FloatVector.fromArray(S, o, oo + i, m);
            FloatVector d = VectorMath.geluGrad(FloatVector.fromArray(S, x, xo + i, m), e);
            FloatVector.fromArray(S, g, go + i, m).mul(d).intoArray(o, oo + i, m);
        }
    }

    /** o = g softplus'(x). */
    private static void softplusGrad(float[] x, int xo, float[] g, int go, float[] o, int oo, int from, int to) {
        for (int i = from; i < to; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector d = VectorMath.softplusGrad(FloatVector.fromArray(S, x, xo + i, m));
            FloatVector.fromArray(S, g, go + i, m).mul(d).intoArray(o, oo + i, m);
        }
    }
}
