package dev.ssam.ops.scan;

import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random selective-scan problem for the tests: sizes, which optional inputs exist, and inputs
 * drawn from a seeded generator in the op's ranges (A = -exp(U(-1, 1)) &lt; 0, small positive
 * steps). Every input sits inside a guarded buffer so kernels must honour tensor offsets.
 */
record ScanCase(int batch, int len, int dInner, int dState, boolean hasD, boolean hasZ, boolean hasBias,
                boolean softplus, boolean lastState) {

    /** Every optional input and output present. */
    static ScanCase full(int batch, int len, int dInner, int dState) {
        return new ScanCase(batch, len, dInner, dState, true, true, true, true, true);
    }

    /** The awkward sizes crossed with a rotation of the options, plus the real model shape with all on and all off. */
    static List<ScanCase> parityCases() {
        int[] es = {1, 7, 17, 33, 129, 576};
        int[] ls = {1, 7, 251};
        int[] ns = {1, 8, 24};
        List<ScanCase> cases = new ArrayList<>();
        int i = 0;
        for (int e : es) {
            for (int l : ls) {
                if (e == 576 && l == 251) {
                    continue;
                }
                int opts = (i * 11 + 3) % 32;
                cases.add(new ScanCase(1 + i % 2, l, e, ns[i % 3], (opts & 1) != 0, (opts & 2) != 0,
                        (opts & 4) != 0, (opts & 8) != 0, (opts & 16) != 0));
                i++;
            }
        }
        cases.add(full(2, 251, 576, 24));
        cases.add(new ScanCase(1, 251, 576, 24, false, false, false, false, false));
        return cases;
    }

    Inputs inputs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor u = uniform(r, -1.5, 1.5, batch, len, dInner);
        // softplus maps U(-3, 1) to (0.05, 1.3); without it the step itself is small and positive
        Tensor delta = softplus ? uniform(r, -3, 1, batch, len, dInner) : uniform(r, 0.01, 0.2, batch, len, dInner);
        Tensor a = Tensor.zeros(dInner, dState);
        for (int k = 0; k < a.size(); k++) {
            a.data()[k] = (float) -Math.exp(r.nextDouble(-1, 1));
        }
        Tensor bm = uniform(r, -1, 1, batch, len, dState);
        Tensor cm = uniform(r, -1, 1, batch, len, dState);
        Tensor d = hasD ? uniform(r, -1, 1, dInner) : null;
        Tensor z = hasZ ? uniform(r, -3, 3, batch, len, dInner) : null;
        Tensor bias = hasBias ? (softplus ? uniform(r, -0.5, 0.5, dInner) : uniform(r, 0, 0.05, dInner)) : null;
        return new Inputs(guard(u), guard(delta), guard(a), guard(bm), guard(cm), guard(d), guard(z), guard(bias),
                softplus);
    }

    Tensor gout(long seed) {
        return guard(uniform(new SplittableRandom(seed), -1, 1, batch, len, dInner));
    }

    static Tensor uniform(SplittableRandom r, double lo, double hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int k = 0; k < t.size(); k++) {
            t.data()[k] = (float) r.nextDouble(lo, hi);
        }
        return t;
    }

    /** A copy of {@code t} placed inside guard regions (null stays null). */
    static Tensor guard(Tensor t) {
        return t == null ? null : GuardedTensor.copyOf(t).tensor();
    }

    /** Compact copies of every input, to prove later that none changed. */
    static Tensor[] snapshot(Inputs in) {
        Tensor[] all = all(in);
        Tensor[] copies = new Tensor[all.length];
        for (int k = 0; k < all.length; k++) {
            copies[k] = all[k] == null ? null : all[k].copy();
        }
        return copies;
    }

    static void assertUnchanged(Tensor[] before, Inputs in) {
        Tensor[] now = all(in);
        String[] names = {"u", "delta", "A", "B", "C", "D", "z", "deltaBias"};
        for (int k = 0; k < now.length; k++) {
            if (now[k] != null) {
                TensorCompare.assertBitwiseEqual("input " + names[k] + " unchanged", before[k], now[k]);
            }
        }
    }

    private static Tensor[] all(Inputs in) {
        return new Tensor[]{in.u(), in.delta(), in.A(), in.B(), in.C(), in.D(), in.z(), in.deltaBias()};
    }

    /** Guarded gradient outputs for every input present, pre-filled with garbage to prove they are overwritten. */
    static GuardedGrads guardedGrads(Inputs in) {
        Grads shapes = Grads.like(in);
        Tensor[] g = {shapes.du(), shapes.dDelta(), shapes.dA(), shapes.dB(), shapes.dC(), shapes.dD(), shapes.dz(),
                shapes.dDeltaBias()};
        GuardedTensor[] guarded = new GuardedTensor[g.length];
        Tensor[] t = new Tensor[g.length];
        for (int k = 0; k < g.length; k++) {
            if (g[k] != null) {
                guarded[k] = GuardedTensor.zeros(g[k].shape());
                t[k] = guarded[k].tensor();
                t[k].fill(7.5f);
            }
        }
        return new GuardedGrads(new Grads(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]), guarded);
    }

    /** Gradient outputs and their guards. */
    record GuardedGrads(Grads grads, GuardedTensor[] guards) {
        static final String[] NAMES = {"du", "dDelta", "dA", "dB", "dC", "dD", "dz", "dDeltaBias"};

        Tensor[] tensors() {
            return new Tensor[]{grads.du(), grads.dDelta(), grads.dA(), grads.dB(), grads.dC(), grads.dD(),
                    grads.dz(), grads.dDeltaBias()};
        }

        void assertGuardsIntact() {
            for (int k = 0; k < guards.length; k++) {
                if (guards[k] != null) {
                    guards[k].assertGuardsIntact(NAMES[k]);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "B" + batch + " L" + len + " E" + dInner + " N" + dState + (hasD ? " D" : "") + (hasZ ? " z" : "")
                + (hasBias ? " bias" : "") + (softplus ? " softplus" : "") + (lastState ? " lastState" : "");
    }
}
