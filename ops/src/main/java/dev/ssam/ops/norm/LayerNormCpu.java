package dev.ssam.ops.norm;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API LayerNorm: vectors run along D within a row, threads take blocks of rows. A row
 * (D = 192: 768 bytes) stays in L1 across the passes. The backward's parameter gradients are
 * summed per block of {@link LayerNorm#ROW_BLOCK} rows and the block partials added in block
 * order afterwards, so the result does not depend on how blocks are shared among threads.
 */
final class LayerNormCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int LANES = S.length();

    private LayerNormCpu() {
    }

    static void forward(Backend.Cpu c, LayerNorm.Dims d, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out,
                        Tensor mean, Tensor rstd) {
        int w = d.width();
        float[] xs = x.data();
        float[] gs = gamma.data();
        float[] bs = beta.data();
        float[] os = out.data();
        c.parallel().forRange(d.rows(), LayerNorm.ROW_BLOCK, (from, to, worker) -> {
            for (int m = from; m < to; m++) {
                forwardRow(w, xs, x.offset() + m * w, gs, gamma.offset(), bs, beta.offset(), eps, os, out.offset() + m * w,
                        mean == null ? null : mean.data(), mean == null ? 0 : mean.offset() + m,
                        rstd == null ? null : rstd.data(), rstd == null ? 0 : rstd.offset() + m);
            }
        });
    }

    /**
     * One row: out = ((x - mu) rstd) gamma + beta, computed as x scale + shift; mu and rstd into
     * {@code mean[mo]} and {@code rstd[ro]} where those are given.
     * Every access is masked (a row's tail): one copy of each load keeps the inlined code small
     * enough that C2 keeps every vector in registers (the branchy load helper doubled it).
     */
    private static void forwardRow(int w, float[] xs, int xr, float[] gs, int go, float[] bs, int bo, float eps,
                                   float[] os, int or, float[] mean, int mo, float[] rstd, int ro) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < w; i += LANES) {
            acc = acc.add(FloatVector.fromArray(S, xs, xr + i, S.indexInRange(i, w)));
        }
        float mu = VectorMath.sumLanes(acc) / w;
        // second pass on centred values: no cancellation for rows with a large mean
        acc = FloatVector.zero(S);
        for (int i = 0; i < w; i += LANES) {
            VectorMask<Float> mk = S.indexInRange(i, w);
            FloatVector cv = FloatVector.fromArray(S, xs, xr + i, mk).sub(mu).blend(0f, mk.not());
            acc = cv.fma(cv, acc);
        }
        double r = 1.0 / Math.sqrt((double) VectorMath.sumLanes(acc) / w + eps);
        float scale = (float) r;
        float shift = (float) (-mu * r);
        for (int i = 0; i < w; i += LANES) {
            VectorMask<Float> mk = S.indexInRange(i, w);
            FloatVector.fromArray(S, xs, xr + i, mk).mul(scale).add(shift).mul(FloatVector.fromArray(S, gs, go + i, mk))
                    .add(FloatVector.fromArray(S, bs, bo + i, mk)).intoArray(os, or + i, mk);
        }
        if (mean != null) {
            mean[mo] = mu;
        }
        if (rstd != null) {
            rstd[ro] = scale;
        }
    }

    static void backward(Backend.Cpu c, LayerNorm.Dims d, Tensor x, Tensor gamma, Tensor mean, Tensor rstd,
                         Tensor gout, Tensor gx, Tensor ggamma, Tensor gbeta) {
        int w = d.width();
        int blocks = (d.rows() + LayerNorm.ROW_BLOCK - 1) / LayerNorm.ROW_BLOCK;
        float[] partGamma = new float[blocks * w]; // (blocks, D)
        float[] partBeta = new float[blocks * w]; // (blocks, D)
        float[] xs = x.data();
        float[] gs = gout.data();
        float[] gm = gamma.data();
        c.parallel().forRange(blocks, (fromBlock, toBlock, worker) -> {
            for (int blk = fromBlock; blk < toBlock; blk++) {
                int end = Math.min(d.rows(), (blk + 1) * LayerNorm.ROW_BLOCK);
                for (int m = blk * LayerNorm.ROW_BLOCK; m < end; m++) {
                    backwardRow(w, xs, x.offset() + m * w, gs, gout.offset() + m * w, gm, gamma.offset(),
                            mean.data()[mean.offset() + m], rstd.data()[rstd.offset() + m], partGamma, partBeta, blk * w,
                            gx == null ? null : gx.data(), gx == null ? 0 : gx.offset() + m * w);
                }
            }
        });
        for (int i = 0; i < w; i++) {
            float sg = 0f;
            float sb = 0f;
            for (int blk = 0; blk < blocks; blk++) {
                sg += partGamma[blk * w + i];
                sb += partBeta[blk * w + i];
            }
            if (ggamma != null) {
                ggamma.data()[ggamma.offset() + i] = sg;
            }
            if (gbeta != null) {
                gbeta.data()[gbeta.offset() + i] = sb;
            }
        }
    }

    /**
     * One row: the block's parameter partials {@code pg += g xhat}, {@code pb += g} at {@code p0},
     * and, where {@code gx} is given, {@code gx = r (g gamma - mean(g gamma) - xhat mean(g gamma xhat))}.
     * Three small passes over the row (in L1): one method with all of them overflowed C1's
     * register allocator, which left it interpreted with every vector boxed.
     */
    private static void backwardRow(int w, float[] xs, int xr, float[] gs, int gr, float[] gm, int go, float mu,
                                    float r, float[] pg, float[] pb, int p0, float[] gx, int gxr) {
        float sumGh = rowPartials(w, xs, xr, gs, gr, gm, go, mu, r, pg, pb, p0);
        if (gx == null) {
            return;
        }
        float a = sumGh / w;
        float b = sumGhXhat(w, xs, xr, gs, gr, gm, go, mu, r) / w;
        for (int i = 0; i < w; i += LANES) {
            VectorMask<Float> mk = S.indexInRange(i, w);
            FloatVector xhat = FloatVector.fromArray(S, xs, xr + i, mk).sub(mu).mul(r);
            FloatVector gh = FloatVector.fromArray(S, gs, gr + i, mk).mul(FloatVector.fromArray(S, gm, go + i, mk));
            gh.sub(a).sub(xhat.mul(b)).mul(r).intoArray(gx, gxr + i, mk);
        }
    }

    /** pg += g xhat, pb += g over the row (masked tail: off lanes load zero gout and add nothing); returns sum(g gamma). */
    private static float rowPartials(int w, float[] xs, int xr, float[] gs, int gr, float[] gm, int go, float mu,
                                     float r, float[] pg, float[] pb, int p0) {
        FloatVector sumGh = FloatVector.zero(S);
        for (int i = 0; i < w; i += LANES) {
            VectorMask<Float> mk = S.indexInRange(i, w);
            FloatVector g = FloatVector.fromArray(S, gs, gr + i, mk);
            FloatVector xhat = FloatVector.fromArray(S, xs, xr + i, mk).sub(mu).mul(r);
            sumGh = sumGh.add(g.mul(FloatVector.fromArray(S, gm, go + i, mk)));
            g.fma(xhat, FloatVector.fromArray(S, pg, p0 + i, mk)).intoArray(pg, p0 + i, mk);
            g.add(FloatVector.fromArray(S, pb, p0 + i, mk)).intoArray(pb, p0 + i, mk);
        }
        return VectorMath.sumLanes(sumGh);
    }

    /** sum(g gamma xhat) over the row. */
    private static float sumGhXhat(int w, float[] xs, int xr, float[] gs, int gr, float[] gm, int go, float mu,
                                   float r) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < w; i += LANES) {
            VectorMask<Float> mk = S.indexInRange(i, w);
            FloatVector xhat = FloatVector.fromArray(S, xs, xr + i, mk).sub(mu).mul(r);
            FloatVector gh = FloatVector.fromArray(S, gs, gr + i, mk).mul(FloatVector.fromArray(S, gm, go + i, mk));
            acc = gh.fma(xhat, acc);
        }
        return VectorMath.sumLanes(acc);
    }
}
