package dev.ssam.ops.scan;

import dev.ssam.ops.scan.SelectiveScan.Dims;
import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.ThreadScratch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Vector API backward of {@link SelectiveScan}, lanes across channels as in {@link ScanCpu}.
 *
 * <p>Per (batch, channel block) it recomputes every state and decay exp(d A) into per-worker
 * scratch ((L+1) x N x LANES and L x N x LANES floats) and then runs the reverse-time pass, which
 * then needs no exponential. The strided (B, L, E) tensors are read in one pass before and written
 * in one pass after, everything between runs on dense (L, LANES) scratch. du, dDelta and dz of a
 * block's channels belong to that block alone. dA, dD and dDeltaBias are sums over batches: each
 * (batch, block) writes its own partial and they are added in batch order at the end. dB and dC
 * are sums over channels: a work unit is a batch and a group of consecutive blocks, which
 * accumulates whole vectors in scratch and folds the lanes (in lane order) once per group, not
 * once per block; the groups' partials are then added in group order. Groups are as large as
 * {@link #MIN_UNITS} units per call allow, and their size depends on the batch and E only, not
 * on the thread count, so neither do the results, bit for bit.
 */
final class ScanCpuBackward {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int LANES = S.length();
    /**
     * Work units a call is split into at least (where E allows). Each unit zeroes and folds its own
     * (L, N, LANES) dB and dC partials, so more units cost more (eight made a one-clip backward at
     * D 64 a quarter slower). One: Cpu training runs whole clips per thread
     * ({@code ClipParallelPretraining}), so a call is one clip on one thread and a second unit only
     * doubled that work; batched calls still split across their clips.
     */
    static final int MIN_UNITS = 1;
    private static final ThreadScratch<Scratch> SCRATCH = new ThreadScratch<>();
    /** The calling thread's partials (every slot is written before it is reduced, so no clearing). */
    private static final ThreadScratch<Partials> PARTIALS = new ThreadScratch<>();

    private ScanCpuBackward() {
    }

    static void backward(Backend.Cpu cpu, Dims dm, Inputs in, Tensor gout, Grads grads) {
        int blocks = ScanCpu.blocks(dm);
        int perBatch = Math.min(blocks, (MIN_UNITS + dm.batch() - 1) / dm.batch());
        int perGroup = (blocks + perBatch - 1) / perBatch;
        int groups = (blocks + perGroup - 1) / perGroup;
        Partials p = PARTIALS.get(x -> x.fits(dm, groups), () -> new Partials(dm, groups));
        cpu.parallel().forRange(dm.batch() * groups, (from, to, worker) -> {
            Scratch s = SCRATCH.get(x -> x.fits(dm), () -> new Scratch(dm));
            for (int unit = from; unit < to; unit++) {
                int b = unit / groups;
                int g = unit % groups;
                Arrays.fill(s.pB, 0f);
                Arrays.fill(s.pC, 0f);
                for (int blk = g * perGroup; blk < Math.min(blocks, (g + 1) * perGroup); blk++) {
                    block(in, dm, gout, grads, b, blk * LANES, s, p);
                }
                int slot = unit * dm.len() * dm.dState();
                foldLanes(s.pB, p.dB, slot);
                foldLanes(s.pC, p.dC, slot);
            }
        });
        p.reduce(dm, groups, grads);
    }

    /** Per-thread scratch for one (L, N) (about 1 MB at L = 251, N = 16), reused across calls. */
    private static final class Scratch {
        final int len;
        final int n;
        final float[] a;     // (N, LANES) A of the block, transposed
        final float[] d;     // (L, LANES) steps after bias and softplus
        final float[] du;    // (L, LANES) d * u
        final float[] u;     // (L, LANES) u
        final float[] g;     // (L, LANES) dL/dy before the gate
        final float[] gz;    // (L, LANES) gout SiLU'(z)
        final float[] sig;   // (L, LANES) softplus' of delta + bias
        final float[] ys;    // (L, LANES) sum_n C h
        final float[] hs;    // (L+1, N, LANES) states; row 0 is the zero initial state
        final float[] dec;   // (L, N, LANES) exp(d A) of every step, kept from the recompute
        final float[] gh;    // (N, LANES) dL/dh carried backwards
        final float[] dA;    // (N, LANES) dA of the block
        final float[] dd;    // (L, LANES) dL/dd
        final float[] dup;   // (L, LANES) dL/du through the states
        final float[] pB;    // (L, N, LANES) the group's dB before folding lanes
        final float[] pC;    // (L, N, LANES) the group's dC before folding lanes

        Scratch(Dims dm) {
            len = dm.len();
            n = dm.dState();
            int l = dm.len() * LANES;
            int nl = dm.dState() * LANES;
            a = new float[nl];
            d = new float[l];
            du = new float[l];
            u = new float[l];
            g = new float[l];
            gz = new float[l];
            sig = new float[l];
            ys = new float[l];
            hs = new float[(dm.len() + 1) * nl];
            dec = new float[dm.len() * nl];
            gh = new float[nl];
            dA = new float[nl];
            dd = new float[l];
            dup = new float[l];
            pB = new float[dm.len() * nl];
            pC = new float[dm.len() * nl];
        }

        boolean fits(Dims dm) {
            return len == dm.len() && n == dm.dState();
        }
    }

    /** Partial sums, each written by exactly one work unit and reduced in a fixed order. */
    private record Partials(Dims dims, int groups, float[] dB, float[] dC, float[] dA, float[] dD, float[] dDeltaBias) {
        Partials(Dims dm, int groups) {
            this(dm, groups, new float[dm.batch() * groups * dm.len() * dm.dState()],   // (B, groups, L, N)
                    new float[dm.batch() * groups * dm.len() * dm.dState()],             // (B, groups, L, N)
                    new float[dm.batch() * dm.dInner() * dm.dState()],                   // (B, E, N)
                    new float[dm.batch() * dm.dInner()],                                 // (B, E)
                    new float[dm.batch() * dm.dInner()]);                                // (B, E)
        }

        boolean fits(Dims dm, int groups) {
            return dims.equals(dm) && this.groups == groups;
        }

        void reduce(Dims dm, int groups, Grads grads) {
            int ln = dm.len() * dm.dState();
            for (int b = 0; b < dm.batch(); b++) {
                sumInto(dB, b * groups * ln, groups, ln, grads.dB(), b * ln);
                sumInto(dC, b * groups * ln, groups, ln, grads.dC(), b * ln);
            }
            sumInto(dA, 0, dm.batch(), dm.dInner() * dm.dState(), grads.dA(), 0);
            sumInto(dD, 0, dm.batch(), dm.dInner(), grads.dD(), 0);
            sumInto(dDeltaBias, 0, dm.batch(), dm.dInner(), grads.dDeltaBias(), 0);
        }

        /** dst[i] = sum_j src[from + j * size + i] over j = 0..count-1 in that order. */
        private static void sumInto(float[] src, int from, int count, int size, Tensor dst, int dstFrom) {
            if (dst == null) {
                return;
            }
            int o = dst.offset() + dstFrom;
            System.arraycopy(src, from, dst.data(), o, size);
            for (int j = 1; j < count; j++) {
                int row = from + j * size;
                for (int i = 0; i < size; i++) {
                    dst.data()[o + i] += src[row + i];
                }
            }
        }
    }

    private static void block(Inputs in, Dims dm, Tensor gout, Grads grads, int b, int e0, Scratch s, Partials p) {
        int bc = b * dm.len() * dm.dState();
        ScanCpu.packA(in.A(), dm, e0, s.a);
        prepare(in, dm, gout, b, e0, s);
        recompute(in.B(), in.C(), bc, dm.len(), dm.dState(), s);
        Arrays.fill(s.gh, 0f);
        Arrays.fill(s.dA, 0f);
        reverse(in.B(), in.C(), bc, dm.len(), dm.dState(), s);
        finish(in, dm, grads, b, e0, s, p);
        unpackDA(s.dA, dm, b, e0, p.dA);
    }

    /**
     * One strided pass gathers delta + bias, u, gout and z of the block; then, on dense scratch,
     * d = softplus, sig = softplus', du = d u, g = gout SiLU(z) and gz = gout SiLU'(z).
     */
    private static void prepare(Inputs in, Dims dm, Tensor gout, int b, int e0, Scratch s) {
        VectorMask<Float> m = S.indexInRange(e0, dm.dInner());
        FloatVector bias = in.deltaBias() == null ? FloatVector.zero(S)
                : FloatVector.fromArray(S, in.deltaBias().data(), in.deltaBias().offset() + e0, m);
        int e = dm.dInner();
        int row = b * dm.len() * e + e0;
        boolean gated = in.z() != null;
        for (int t = 0; t < dm.len(); t++) {
            int i = row + t * e;
            int tl = t * LANES;
            FloatVector.fromArray(S, in.delta().data(), in.delta().offset() + i, m).add(bias).intoArray(s.d, tl);
            FloatVector.fromArray(S, in.u().data(), in.u().offset() + i, m).intoArray(s.u, tl);
            FloatVector.fromArray(S, gout.data(), gout.offset() + i, m).intoArray(s.g, tl);
            if (gated) {
                FloatVector.fromArray(S, in.z().data(), in.z().offset() + i, m).intoArray(s.gz, tl);
            }
        }
        int n = dm.len() * LANES;
        if (in.deltaSoftplus()) {
            ScanMath.softplusWithGrad(s.d, s.sig, n);
        }
        for (int i = 0; i < n; i += LANES) {
            FloatVector.fromArray(S, s.u, i).mul(FloatVector.fromArray(S, s.d, i)).intoArray(s.du, i);
        }
        if (gated) {
            ScanMath.gateWithGrad(s.gz, s.g, n);
        }
    }

    /** The forward recurrence again, keeping every state and decay; also ys = sum_n C h and pC += g h. */
    private static void recompute(Tensor bT, Tensor cT, int bc, int len, int n, Scratch s) {
        float[] bm = bT.data();
        float[] cm = cT.data();
        float[] a = s.a;
        float[] hs = s.hs;
        float[] pC = s.pC;
        float[] dec = s.dec;
        int bRow = bT.offset() + bc;
        int cRow = cT.offset() + bc;
        for (int t = 0; t < len; t++) {
            FloatVector dt = FloatVector.fromArray(S, s.d, t * LANES);
            FloatVector dut = FloatVector.fromArray(S, s.du, t * LANES);
            FloatVector gt = FloatVector.fromArray(S, s.g, t * LANES);
            FloatVector acc = FloatVector.zero(S);
            int prev = t * n * LANES;
            int cur = prev + n * LANES;
            for (int k = 0; k < n; k++) {
                int kl = k * LANES;
                FloatVector decay = ScanMath.exp(dt.mul(FloatVector.fromArray(S, a, kl)));
                decay.intoArray(dec, prev + kl);
                FloatVector hk = FloatVector.fromArray(S, hs, prev + kl).fma(decay, dut.mul(bm[bRow + k]));
                hk.intoArray(hs, cur + kl);
                acc = hk.fma(FloatVector.broadcast(S, cm[cRow + k]), acc);
                gt.fma(hk, FloatVector.fromArray(S, pC, prev + kl)).intoArray(pC, prev + kl);
            }
            acc.intoArray(s.ys, t * LANES);
            bRow += n;
            cRow += n;
        }
    }

    /**
     * Reverse time. With a = exp(d A) and gh = dL/dh[t]: dL/da = gh h[t-1], so dA += gh h[t-1] a d,
     * dd += gh h[t-1] a A + gh B u, dB += gh d u, du += gh d B; then gh[t-1] = a gh + g C.
     */
    private static void reverse(Tensor bT, Tensor cT, int bc, int len, int n, Scratch s) {
        float[] bm = bT.data();
        float[] cm = cT.data();
        float[] a = s.a;
        float[] hs = s.hs;
        float[] gh = s.gh;
        float[] dA = s.dA;
        float[] pB = s.pB;
        float[] dec = s.dec;
        for (int t = len - 1; t >= 0; t--) {
            int bRow = bT.offset() + bc + t * n;
            int cRow = cT.offset() + bc + t * n;
            FloatVector dt = FloatVector.fromArray(S, s.d, t * LANES);
            FloatVector dut = FloatVector.fromArray(S, s.du, t * LANES);
            FloatVector gt = FloatVector.fromArray(S, s.g, t * LANES);
            FloatVector ddAcc = FloatVector.zero(S);
            FloatVector sumGhB = FloatVector.zero(S);
            int prev = t * n * LANES;
            for (int k = 0; k < n; k++) {
                int kl = k * LANES;
                FloatVector ghk = gt.fma(FloatVector.broadcast(S, cm[cRow + k]), FloatVector.fromArray(S, gh, kl));
                FloatVector ghDecay = ghk.mul(FloatVector.fromArray(S, dec, prev + kl));
                FloatVector x = ghDecay.mul(FloatVector.fromArray(S, hs, prev + kl));
                ddAcc = x.fma(FloatVector.fromArray(S, a, kl), ddAcc);
                sumGhB = ghk.fma(FloatVector.broadcast(S, bm[bRow + k]), sumGhB);
                x.fma(dt, FloatVector.fromArray(S, dA, kl)).intoArray(dA, kl);
                ghk.fma(dut, FloatVector.fromArray(S, pB, prev + kl)).intoArray(pB, prev + kl);
                ghDecay.intoArray(gh, kl);
            }
            FloatVector.fromArray(S, s.u, t * LANES).fma(sumGhB, ddAcc).intoArray(s.dd, t * LANES);
            sumGhB.mul(dt).intoArray(s.dup, t * LANES);
        }
    }

    /**
     * One strided pass: du = g D + dup, dDelta = dd softplus', dz = gz (ys + D u) (masked stores);
     * the block's dD and dDeltaBias partials.
     */
    private static void finish(Inputs in, Dims dm, Grads grads, int b, int e0, Scratch s, Partials p) {
        VectorMask<Float> m = S.indexInRange(e0, dm.dInner());
        int e = dm.dInner();
        int row = b * dm.len() * e + e0;
        boolean hasD = in.D() != null;
        boolean softplus = in.deltaSoftplus();
        boolean gateGrad = in.z() != null && grads.dz() != null;
        FloatVector dv = hasD ? FloatVector.fromArray(S, in.D().data(), in.D().offset() + e0, m) : FloatVector.zero(S);
        FloatVector sumGu = FloatVector.zero(S);
        FloatVector sumDs = FloatVector.zero(S);
        for (int t = 0; t < dm.len(); t++) {
            int i = row + t * e;
            int tl = t * LANES;
            FloatVector g = FloatVector.fromArray(S, s.g, tl);
            FloatVector u = FloatVector.fromArray(S, s.u, tl);
            sumGu = g.fma(u, sumGu);
            FloatVector du = FloatVector.fromArray(S, s.dup, tl);
            if (hasD) {
                du = g.fma(dv, du);
            }
            if (grads.du() != null) {
                du.intoArray(grads.du().data(), grads.du().offset() + i, m);
            }
            FloatVector ds = FloatVector.fromArray(S, s.dd, tl);
            if (softplus) {
                ds = ds.mul(FloatVector.fromArray(S, s.sig, tl));
            }
            sumDs = sumDs.add(ds);
            if (grads.dDelta() != null) {
                ds.intoArray(grads.dDelta().data(), grads.dDelta().offset() + i, m);
            }
            if (gateGrad) {
                FloatVector ys = FloatVector.fromArray(S, s.ys, tl);
                if (hasD) {
                    ys = dv.fma(u, ys);
                }
                FloatVector.fromArray(S, s.gz, tl).mul(ys).intoArray(grads.dz().data(), grads.dz().offset() + i, m);
            }
        }
        int pe = b * e + e0;
        sumGu.intoArray(p.dD, pe, m);
        sumDs.intoArray(p.dDeltaBias, pe, m);
    }

    /** part[b, e0 + lane, n] = dA[n][lane]. */
    private static void unpackDA(float[] dA, Dims dm, int b, int e0, float[] part) {
        int n = dm.dState();
        int width = Math.min(LANES, dm.dInner() - e0);
        for (int lane = 0; lane < width; lane++) {
            int row = (b * dm.dInner() + e0 + lane) * n;
            for (int k = 0; k < n; k++) {
                part[row + k] = dA[k * LANES + lane];
            }
        }
    }

    /** dst[slot + r] = sum of the lanes of row r of src, added in lane order. */
    private static void foldLanes(float[] src, float[] dst, int slot) {
        int rows = src.length / LANES;
        for (int r = 0; r < rows; r++) {
            int base = r * LANES;
            float sum = src[base];
            for (int lane = 1; lane < LANES; lane++) {
                sum += src[base + lane];
            }
            dst[slot + r] = sum;
        }
    }
}
