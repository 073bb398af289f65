package dev.ssam.ops.optim;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API AdamW: the Ref operations lane by lane (each an IEEE single rounding, so the
 * results are bitwise equal), over contiguous element ranges per thread.
 */
final class AdamWCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    /** Elements per parallel grain (a multiple of every lane count). */
    private static final int GRAIN = 1 << 14;

    private AdamWCpu() {
    }

    static void step(Backend.Cpu c, AdamW.Dims d, Tensor param, Tensor grad, Tensor m, Tensor v) {
        float[] ps = param.data();
        float[] gs = grad.data();
        float[] ms = m.data();
        float[] vs = v.data();
        int po = param.offset();
        int go = grad.offset();
        int mo = m.offset();
        int vo = v.offset();
        boolean smallWeight = d.weight1() < 0.5f;
        float lerpWeight = smallWeight ? d.weight1() : d.weight1() - 1f;
        c.parallel().forRange(d.size(), GRAIN, (from, to, w) -> {
            for (int i = from; i < to; i += S.length()) {
                FloatVector g = load(gs, go + i, i, to);
                FloatVector p = load(ps, po + i, i, to);
                FloatVector mm = load(ms, mo + i, i, to);
                if (d.decays()) {
                    p = p.mul(d.decay());
                }
                mm = g.sub(mm).fma(FloatVector.broadcast(S, lerpWeight), smallWeight ? mm : g);
                FloatVector vv = load(vs, vo + i, i, to).mul(d.beta2());
                vv = vv.add(g.mul(d.weight2()).mul(g));
                FloatVector denom = vv.sqrt().div(d.bc2Sqrt()).add(d.eps());
                p = p.add(mm.mul(d.negStep()).div(denom));
                store(p, ps, po + i, i, to);
                store(mm, ms, mo + i, i, to);
                store(vv, vs, vo + i, i, to);
            }
        });
    }

    /** Full load inside the range, masked load on its last partial vector (index i of end). */
    private static FloatVector load(float[] a, int at, int i, int end) {
        return i + S.length() <= end ? FloatVector.fromArray(S, a, at)
                : FloatVector.fromArray(S, a, at, S.indexInRange(i, end));
    }

    private static void store(FloatVector v, float[] a, int at, int i, int end) {
        if (i + S.length() <= end) {
            v.intoArray(a, at);
        } else {
            v.intoArray(a, at, S.indexInRange(i, end));
        }
    }
}
