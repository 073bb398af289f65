package dev.ssam.ops.act;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Vector API activations, split into contiguous element ranges across threads. */
final class ActivationCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    /** Elements per parallel grain: a multiple of every lane count, large enough to amortise a task. */
    private static final int GRAIN = 4096;

    private ActivationCpu() {
    }

    static void forward(Backend.Cpu c, Activation act, Activation.Dims d, Tensor x, Tensor out) {
        float[] xs = x.data();
        float[] os = out.data();
        int xo = x.offset();
        int oo = out.offset();
        c.parallel().forRange(d.size(), GRAIN, (from, to, w) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                apply(act, FloatVector.fromArray(S, xs, xo + i)).intoArray(os, oo + i);
            }
            if (i < to) {
                // the tail lanes read zeros, which every activation maps to a finite value
                VectorMask<Float> m = S.indexInRange(i, to);
                apply(act, FloatVector.fromArray(S, xs, xo + i, m)).intoArray(os, oo + i, m);
            }
        });
    }

    static void backward(Backend.Cpu c, Activation act, Activation.Dims d, Tensor x, Tensor gout, Tensor gx) {
        float[] xs = x.data();
        float[] gs = gout.data();
        float[] os = gx.data();
        int xo = x.offset();
        int go = gout.offset();
        int oo = gx.offset();
        c.parallel().forRange(d.size(), GRAIN, (from, to, w) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector g = FloatVector.fromArray(S, gs, go + i);
                g.mul(derivative(act, FloatVector.fromArray(S, xs, xo + i))).intoArray(os, oo + i);
            }
            if (i < to) {
                VectorMask<Float> m = S.indexInRange(i, to);
                FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
                g.mul(derivative(act, FloatVector.fromArray(S, xs, xo + i, m))).intoArray(os, oo + i, m);
            }
        });
    }

    private static FloatVector apply(Activation act, FloatVector x) {
        return switch (act) {
            case SILU -> VectorMath.silu(x);
            case GELU -> VectorMath.gelu(x);
            case SOFTPLUS -> VectorMath.softplus(x);
        };
    }

    private static FloatVector derivative(Activation act, FloatVector x) {
        return switch (act) {
            case SILU -> VectorMath.siluGrad(x);
            case GELU -> VectorMath.geluGrad(x);
            case SOFTPLUS -> VectorMath.softplusGrad(x);
        };
    }
}
