package dev.ssam.ops.scan;

import dev.ssam.ops.scan.SelectiveScan.Dims;
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
 * Vector API forward of {@link SelectiveScan}.
 *
 * <p>Lanes are consecutive channels: the token-major layout makes u, delta, z and y of one
 * token contiguous across channels, and B[t,n], C[t,n] are shared by all channels, so they are
 * broadcasts. A work unit is one (batch, block of {@code LANES} channels); its state is
 * N x LANES floats (1.5 KiB at N = 24, 16 lanes) and stays in L1 for all L tokens. Units are
 * independent, so the result does not depend on the thread count.
 *
 * <p>Each unit runs in three phases so the hot loop needs no masks: {@code prepare} reads the
 * (possibly partial) block of delta and u once into dense (L, LANES) scratch, {@code steps}
 * runs the recurrence on dense scratch, {@code finish} applies D and the gate and writes the
 * (masked) output. A partial block's idle lanes compute on zeros and are never stored. Softplus
 * and SiLU run as in-place passes over that scratch ({@link ScanMath} says why).
 */
final class ScanCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int LANES = S.length();
    private static final ThreadScratch<Scratch> SCRATCH = new ThreadScratch<>();

    private ScanCpu() {
    }

    static void forward(Backend.Cpu cpu, Dims dm, Inputs in, Tensor out, Tensor lastState) {
        int blocks = blocks(dm);
        cpu.parallel().forRange(dm.batch() * blocks, (from, to, worker) -> {
            Scratch s = SCRATCH.get(x -> x.fits(dm), () -> new Scratch(dm));
            for (int unit = from; unit < to; unit++) {
                int b = unit / blocks;
                int e0 = (unit % blocks) * LANES;
                packA(in.A(), dm, e0, s.a);
                prepare(in, dm, b, e0, s.u, s.d, s.du);
                Arrays.fill(s.h, 0f);
                steps(in.B(), in.C(), (b * dm.len()) * dm.dState(), dm.len(), dm.dState(), s.a, s.d, s.du, s.h, s.ys);
                finish(in, dm, b, e0, s, out);
                if (lastState != null) {
                    unpackState(s.h, dm, b, e0, lastState);
                }
            }
        });
    }

    /** Channel blocks per batch. */
    static int blocks(Dims dm) {
        return (dm.dInner() + LANES - 1) / LANES;
    }

    /** Per-thread scratch for one (L, N), reused across calls. */
    private static final class Scratch {
        final int len;
        final int n;
        final float[] a;    // (N, LANES) A of the block, transposed
        final float[] u;    // (L, LANES) u
        final float[] d;    // (L, LANES) steps after bias and softplus
        final float[] du;   // (L, LANES) d * u
        final float[] h;    // (N, LANES) state
        final float[] ys;   // (L, LANES) sum_n C h
        final float[] gate; // (L, LANES) SiLU(z)

        Scratch(Dims dm) {
            len = dm.len();
            n = dm.dState();
            a = new float[dm.dState() * LANES];
            u = new float[dm.len() * LANES];
            d = new float[dm.len() * LANES];
            du = new float[dm.len() * LANES];
            h = new float[dm.dState() * LANES];
            ys = new float[dm.len() * LANES];
            gate = new float[dm.len() * LANES];
        }

        boolean fits(Dims dm) {
            return len == dm.len() && n == dm.dState();
        }
    }

    /** a[n][lane] = A[e0 + lane, n], zero for lanes past E. */
    static void packA(Tensor aT, Dims dm, int e0, float[] a) {
        int n = dm.dState();
        int width = Math.min(LANES, dm.dInner() - e0);
        Arrays.fill(a, 0f);
        for (int lane = 0; lane < width; lane++) {
            int row = aT.offset() + (e0 + lane) * n;
            for (int k = 0; k < n; k++) {
                a[k * LANES + lane] = aT.data()[row + k];
            }
        }
    }

    /** u (dense copy), d = softplus(delta + bias) and du = d * u for every token of the block. */
    static void prepare(Inputs in, Dims dm, int b, int e0, float[] u, float[] d, float[] du) {
        VectorMask<Float> m = S.indexInRange(e0, dm.dInner());
        FloatVector bias = in.deltaBias() == null ? FloatVector.zero(S)
                : FloatVector.fromArray(S, in.deltaBias().data(), in.deltaBias().offset() + e0, m);
        int e = dm.dInner();
        int row = b * dm.len() * e + e0;
        for (int t = 0; t < dm.len(); t++) {
            int i = row + t * e;
            FloatVector.fromArray(S, in.delta().data(), in.delta().offset() + i, m).add(bias).intoArray(d, t * LANES);
            FloatVector.fromArray(S, in.u().data(), in.u().offset() + i, m).intoArray(u, t * LANES);
        }
        if (in.deltaSoftplus()) {
            ScanMath.softplus(d, dm.len() * LANES);
        }
        for (int i = 0; i < dm.len() * LANES; i += LANES) {
            FloatVector.fromArray(S, u, i).mul(FloatVector.fromArray(S, d, i)).intoArray(du, i);
        }
    }

    /** dst[t][lane] = src[b, t, e0 + lane] (zero past E): a (B, L, E) block made dense. */
    static void gather(Tensor src, Dims dm, int b, int e0, float[] dst) {
        VectorMask<Float> m = S.indexInRange(e0, dm.dInner());
        int e = dm.dInner();
        int row = src.offset() + b * dm.len() * e + e0;
        for (int t = 0; t < dm.len(); t++) {
            FloatVector.fromArray(S, src.data(), row + t * e, m).intoArray(dst, t * LANES);
        }
    }

    /**
     * The recurrence over all tokens: h = exp(d A) h + d u B, ys = sum_n C h. {@code bc} is the
     * flat index of token 0 of this batch in B and C (before their tensor offsets).
     */
    private static void steps(Tensor bT, Tensor cT, int bc, int len, int n, float[] a, float[] d, float[] du,
                              float[] h, float[] ys) {
        float[] bm = bT.data();
        float[] cm = cT.data();
        int bRow = bT.offset() + bc;
        int cRow = cT.offset() + bc;
        for (int t = 0; t < len; t++) {
            FloatVector dt = FloatVector.fromArray(S, d, t * LANES);
            FloatVector dut = FloatVector.fromArray(S, du, t * LANES);
            FloatVector acc = FloatVector.zero(S);
            for (int k = 0; k < n; k++) {
                FloatVector decay = ScanMath.exp(dt.mul(FloatVector.fromArray(S, a, k * LANES)));
                FloatVector hk = FloatVector.fromArray(S, h, k * LANES).fma(decay, dut.mul(bm[bRow + k]));
                hk.intoArray(h, k * LANES);
                acc = hk.fma(FloatVector.broadcast(S, cm[cRow + k]), acc);
            }
            acc.intoArray(ys, t * LANES);
            bRow += n;
            cRow += n;
        }
    }

    /** out = (ys + D u) * SiLU(z), masked to the block's channels. */
    private static void finish(Inputs in, Dims dm, int b, int e0, Scratch s, Tensor out) {
        VectorMask<Float> m = S.indexInRange(e0, dm.dInner());
        int e = dm.dInner();
        int row = b * dm.len() * e + e0;
        boolean gated = in.z() != null;
        if (gated) {
            gather(in.z(), dm, b, e0, s.gate);
            ScanMath.silu(s.gate, dm.len() * LANES);
        }
        boolean hasD = in.D() != null;
        FloatVector dv = hasD ? FloatVector.fromArray(S, in.D().data(), in.D().offset() + e0, m) : FloatVector.zero(S);
        for (int t = 0; t < dm.len(); t++) {
            int i = row + t * e;
            FloatVector y = FloatVector.fromArray(S, s.ys, t * LANES);
            if (hasD) {
                y = dv.fma(FloatVector.fromArray(S, s.u, t * LANES), y);
            }
            if (gated) {
                y = y.mul(FloatVector.fromArray(S, s.gate, t * LANES));
            }
            y.intoArray(out.data(), out.offset() + i, m);
        }
    }

    /** lastState[b, e0 + lane, n] = h[n][lane]. */
    private static void unpackState(float[] h, Dims dm, int b, int e0, Tensor lastState) {
        int n = dm.dState();
        int width = Math.min(LANES, dm.dInner() - e0);
        for (int lane = 0; lane < width; lane++) {
            int row = lastState.offset() + (b * dm.dInner() + e0 + lane) * n;
            for (int k = 0; k < n; k++) {
                lastState.data()[row + k] = h[k * LANES + lane];
            }
        }
    }
}
