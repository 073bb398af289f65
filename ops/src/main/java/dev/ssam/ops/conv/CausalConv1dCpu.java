package dev.ssam.ops.conv;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API causal conv. Channels are independent and contiguous in (B, L, E), so a vector
 * holds one token's values for {@code LANES} channels and the K taps are K loads of earlier
 * tokens. The weight is transposed once to (K, E) so a tap's weights are contiguous too.
 * Forward splits tokens across threads; backward splits channel blocks, so each channel's
 * reductions (gw, gbias) run in one thread in the fixed (b, t) order whatever the thread count.
 */
final class CausalConv1dCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int LANES = S.length();
    /** Tokens per forward task. */
    private static final int ROW_GRAIN = 16;

    private CausalConv1dCpu() {
    }

    static void forward(Backend.Cpu c, CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, boolean silu,
                        Tensor out) {
        int n = d.len();
        int e = d.channels();
        int k = d.kernel();
        float[] wt = transpose(d, weight); // (K, E)
        float[] xs = x.data();
        float[] os = out.data();
        float[] bs = bias == null ? null : bias.data();
        int xo = x.offset();
        int bo = bias == null ? 0 : bias.offset();
        int oo = out.offset();
        c.parallel().forRange(d.batch() * n, ROW_GRAIN, (from, to, w) -> {
            for (int row = from; row < to; row++) {
                int t = row % n;
                int first = Math.max(0, k - 1 - t); // taps before time 0 read zero padding
                int x0 = xo + (row - (k - 1)) * e; // x row feeding tap 0
                for (int ch = 0; ch < e; ch += LANES) {
                    boolean full = ch + LANES <= e;
                    VectorMask<Float> m = S.indexInRange(ch, e);
                    FloatVector acc = bs == null ? FloatVector.zero(S) : load(bs, bo + ch, m, full);
                    for (int j = first; j < k; j++) {
                        acc = load(xs, x0 + j * e + ch, m, full).fma(load(wt, j * e + ch, m, full), acc);
                    }
                    store(silu ? VectorMath.silu(acc) : acc, os, oo + row * e + ch, m, full);
                }
            }
        });
    }

    static void backward(Backend.Cpu c, CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, boolean silu,
                         Tensor gout, Tensor gx, Tensor gw, Tensor gbias) {
        int rows = d.batch() * d.len();
        int e = d.channels();
        int k = d.kernel();
        float[] wt = transpose(d, weight); // (K, E)
        // dLoss/dpre (B, L, E): gout itself without SiLU, otherwise scratch filled per channel block
        float[] g = silu ? new float[rows * e] : gout.data();
        int go = silu ? 0 : gout.offset();
        float[] gwt = gw == null ? null : new float[k * e]; // (K, E), transposed into gw at the end
        c.parallel().forRange(e, LANES, (from, to, w) -> {
            for (int ch = from; ch < to; ch += LANES) {
                boolean full = ch + LANES <= e;
                VectorMask<Float> m = S.indexInRange(ch, e);
                if (silu) {
                    siluGrad(d, x, bias, gout, wt, g, ch, m, full);
                }
                if (gx != null) {
                    inputGrad(d, g, go, wt, gx, ch, m, full);
                }
                if (gwt != null) {
                    weightGrad(d, g, go, x, gwt, ch, m, full);
                }
                if (gbias != null) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int r = 0; r < rows; r++) {
                        acc = acc.add(load(g, go + r * e + ch, m, full));
                    }
                    store(acc, gbias.data(), gbias.offset() + ch, m, full);
                }
            }
        });
        if (gw != null) {
            for (int ch = 0; ch < e; ch++) {
                for (int j = 0; j < k; j++) {
                    gw.data()[gw.offset() + ch * k + j] = gwt[j * e + ch];
                }
            }
        }
    }

    /** g = gout * SiLU'(pre) for one channel block, recomputing pre as the forward does. */
    private static void siluGrad(CausalConv1d.Dims d, Tensor x, Tensor bias, Tensor gout, float[] wt, float[] g,
                                 int ch, VectorMask<Float> m, boolean full) {
        int n = d.len();
        int e = d.channels();
        int k = d.kernel();
        float[] xs = x.data();
        float[] gs = gout.data();
        int xo = x.offset();
        int gso = gout.offset();
        FloatVector b0 = bias == null ? FloatVector.zero(S) : load(bias.data(), bias.offset() + ch, m, full);
        for (int row = 0; row < d.batch() * n; row++) {
            int t = row % n;
            int x0 = xo + (row - (k - 1)) * e;
            FloatVector acc = b0;
            for (int j = Math.max(0, k - 1 - t); j < k; j++) {
                acc = load(xs, x0 + j * e + ch, m, full).fma(load(wt, j * e + ch, m, full), acc);
            }
            store(load(gs, gso + row * e + ch, m, full).mul(VectorMath.siluGrad(acc)), g, row * e + ch, m, full);
        }
    }

    /** gx[b,s] = sum_j w[j] g[b, s+(K-1)-j] for one channel block. */
    private static void inputGrad(CausalConv1d.Dims d, float[] g, int go, float[] wt, Tensor gx, int ch,
                                  VectorMask<Float> m, boolean full) {
        int n = d.len();
        int e = d.channels();
        int k = d.kernel();
        for (int row = 0; row < d.batch() * n; row++) {
            int s = row % n;
            int last = Math.min(n - 1, s + k - 1); // outputs past the clip end do not exist
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < k; j++) {
                int t = s + (k - 1) - j;
                if (t <= last) {
                    acc = load(wt, j * e + ch, m, full).fma(load(g, go + (row + t - s) * e + ch, m, full), acc);
                }
            }
            store(acc, gx.data(), gx.offset() + row * e + ch, m, full);
        }
    }

    /** gw[j] = sum_b sum_t g[b,t] x[b, t-(K-1)+j] for one channel block, into (K, E) scratch. */
    private static void weightGrad(CausalConv1d.Dims d, float[] g, int go, Tensor x, float[] gwt, int ch,
                                   VectorMask<Float> m, boolean full) {
        int n = d.len();
        int e = d.channels();
        int k = d.kernel();
        float[] xs = x.data();
        int xo = x.offset();
        for (int j = 0; j < k; j++) {
            FloatVector acc = FloatVector.zero(S);
            for (int b = 0; b < d.batch(); b++) {
                for (int t = Math.max(0, k - 1 - j); t < n; t++) {
                    int row = b * n + t;
                    FloatVector gv = load(g, go + row * e + ch, m, full);
                    acc = gv.fma(load(xs, xo + (row - (k - 1) + j) * e + ch, m, full), acc);
                }
            }
            store(acc, gwt, j * e + ch, m, full);
        }
    }

    private static float[] transpose(CausalConv1d.Dims d, Tensor weight) {
        int e = d.channels();
        int k = d.kernel();
        float[] wt = new float[k * e];
        for (int ch = 0; ch < e; ch++) {
            for (int j = 0; j < k; j++) {
                wt[j * e + ch] = weight.data()[weight.offset() + ch * k + j];
            }
        }
        return wt;
    }

    private static FloatVector load(float[] a, int i, VectorMask<Float> m, boolean full) {
        return full ? FloatVector.fromArray(S, a, i) : FloatVector.fromArray(S, a, i, m);
    }

    private static void store(FloatVector v, float[] a, int i, VectorMask<Float> m, boolean full) {
        if (full) {
            v.intoArray(a, i);
        } else {
            v.intoArray(a, i, m);
        }
    }
}
