package dev.ssam.ops.conv;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.ThreadScratch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

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
    private static final ThreadScratch<Block> BLOCK = new ThreadScratch<>();

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
        int e = d.channels();
        int k = d.kernel();
        float[] wt = transpose(d, weight); // (K, E)
        float[] gwt = gw == null ? null : new float[k * e]; // (K, E), transposed into gw at the end
        c.parallel().forRange(e, LANES, (from, to, w) -> {
            Block s = BLOCK.get(b -> b.fits(d), () -> new Block(d));
            for (int ch = from; ch < to; ch += LANES) {
                backwardBlock(d, x, bias, silu, gout, gx, gbias, wt, gwt, ch, s);
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

    /**
     * Per-thread dense scratch of one channel block: {@code LANES} channels of one clip as rows of
     * a vector, so the loops run unmasked (masks only where blocks are read and written).
     */
    private static final class Block {
        final int len;
        final int kernel;
        final float[] x;    // (K-1 + L, LANES) x of one clip, K-1 zero rows first (the causal padding)
        final float[] g;    // (L, LANES) dLoss/dpre
        final float[] go;   // (L, LANES) gout
        final float[] w;    // (K, LANES) the block's taps
        final float[] gw;   // (K, LANES) dLoss/dw summed over clips
        final float[] b;    // (LANES) the block's bias

        Block(CausalConv1d.Dims d) {
            len = d.len();
            kernel = d.kernel();
            x = new float[(kernel - 1 + len) * LANES];
            g = new float[len * LANES];
            go = new float[len * LANES];
            w = new float[kernel * LANES];
            gw = new float[kernel * LANES];
            b = new float[LANES];
        }

        boolean fits(CausalConv1d.Dims d) {
            return len == d.len() && kernel == d.kernel();
        }
    }

    /**
     * One channel block over every clip: g = gout SiLU'(pre) (pre recomputed as the forward does),
     * gx[s] = sum_j w[j] g[s + (K-1) - j], gw[j] += sum_t g[t] x[t - (K-1) + j], gbias += sum_t g[t],
     * the sums over clips then tokens in order.
     */
    private static void backwardBlock(CausalConv1d.Dims d, Tensor x, Tensor bias, boolean silu, Tensor gout,
                                      Tensor gx, Tensor gbias, float[] wt, float[] gwt, int ch, Block s) {
        int n = d.len();
        int e = d.channels();
        int k = d.kernel();
        VectorMask<Float> m = S.indexInRange(ch, e);
        for (int j = 0; j < k; j++) {
            FloatVector.fromArray(S, wt, j * e + ch, m).intoArray(s.w, j * LANES);
        }
        (bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias.data(), bias.offset() + ch, m))
                .intoArray(s.b, 0);
        Arrays.fill(s.gw, 0f);
        FloatVector gb = FloatVector.zero(S);
        for (int b = 0; b < d.batch(); b++) {
            int row0 = b * n;
            rows(gout.data(), gout.offset() + row0 * e + ch, e, m, n, s.go, 0);
            if (silu || gwt != null) {
                rows(x.data(), x.offset() + row0 * e + ch, e, m, n, s.x, (k - 1) * LANES);
            }
            float[] g = s.go;
            if (silu) {
                preActivation(s, n, k);
                siluGrad(s.g, s.go, n);
                g = s.g;
            }
            if (gx != null) {
                inputGrad(g, s.w, n, k, gx.data(), gx.offset() + row0 * e + ch, e, m);
            }
            if (gwt != null) {
                weightGrad(g, s.x, n, k, s.gw);
            }
            for (int t = 0; t < n; t++) {
                gb = gb.add(FloatVector.fromArray(S, g, t * LANES));
            }
        }
        if (gwt != null) {
            for (int j = 0; j < k; j++) {
                FloatVector.fromArray(S, s.gw, j * LANES).intoArray(gwt, j * e + ch, m);
            }
        }
        if (gbias != null) {
            gb.intoArray(gbias.data(), gbias.offset() + ch, m);
        }
    }

    /** dst[at + t LANES + lane] = src[from + t stride + lane] for t &lt; n, zero in masked-off lanes. */
    private static void rows(float[] src, int from, int stride, VectorMask<Float> m, int n, float[] dst, int at) {
        for (int t = 0; t < n; t++) {
            FloatVector.fromArray(S, src, from + t * stride, m).intoArray(dst, at + t * LANES);
        }
    }

    /** g[t] = bias + sum_j w[j] x[t - (K-1) + j], taps before time 0 skipped as in the forward. */
    private static void preActivation(Block s, int n, int k) {
        FloatVector b0 = FloatVector.fromArray(S, s.b, 0);
        for (int t = 0; t < n; t++) {
            FloatVector acc = b0;
            for (int j = Math.max(0, k - 1 - t); j < k; j++) {
                acc = FloatVector.fromArray(S, s.x, (t + j) * LANES).fma(FloatVector.fromArray(S, s.w, j * LANES), acc);
            }
            acc.intoArray(s.g, t * LANES);
        }
    }

    /** g[t] = gout[t] SiLU'(g[t]) in place; its own small loop so the JIT keeps the math in registers. */
    private static void siluGrad(float[] g, float[] go, int n) {
        for (int i = 0; i < n * LANES; i += LANES) {
            FloatVector.fromArray(S, go, i).mul(VectorMath.siluGrad(FloatVector.fromArray(S, g, i))).intoArray(g, i);
        }
    }

    /** gx[s] = sum_j w[j] g[s + (K-1) - j] over the outputs that exist (s + (K-1) - j &lt; L). */
    private static void inputGrad(float[] g, float[] w, int n, int k, float[] gx, int from, int stride,
                                  VectorMask<Float> m) {
        for (int s = 0; s < n; s++) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = Math.max(0, s + k - n); j < k; j++) {
                acc = FloatVector.fromArray(S, w, j * LANES).fma(FloatVector.fromArray(S, g, (s + k - 1 - j) * LANES), acc);
            }
            acc.intoArray(gx, from + s * stride, m);
        }
    }

    /** gw[j] += sum_t g[t] x[t - (K-1) + j] over the taps inside the clip (t &gt;= K-1-j). */
    private static void weightGrad(float[] g, float[] x, int n, int k, float[] gw) {
        for (int j = 0; j < k; j++) {
            FloatVector acc = FloatVector.fromArray(S, gw, j * LANES);
            for (int t = Math.max(0, k - 1 - j); t < n; t++) {
                acc = FloatVector.fromArray(S, g, t * LANES).fma(FloatVector.fromArray(S, x, (t + j) * LANES), acc);
            }
            acc.intoArray(gw, j * LANES);
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
