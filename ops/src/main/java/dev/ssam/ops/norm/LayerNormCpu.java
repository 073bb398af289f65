package dev.ssam.ops.norm;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
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
                int xr = x.offset() + m * w;
                int or = out.offset() + m * w;
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < w; i += LANES) {
                    acc = acc.add(load(xs, xr + i, i, w));
                }
                float mu = VectorMath.sumLanes(acc) / w;
                // second pass on centred values: no cancellation for rows with a large mean
                acc = FloatVector.zero(S);
                for (int i = 0; i < w; i += LANES) {
                    FloatVector cv = load(xs, xr + i, i, w).sub(mu);
                    if (i + LANES > w) {
                        cv = cv.blend(0f, S.indexInRange(i, w).not());
                    }
                    acc = cv.fma(cv, acc);
                }
                double r = 1.0 / Math.sqrt((double) VectorMath.sumLanes(acc) / w + eps);
                float scale = (float) r;
                float shift = (float) (-mu * r);
                for (int i = 0; i < w; i += LANES) {
                    FloatVector y = load(xs, xr + i, i, w).mul(scale).add(shift)
                            .mul(load(gs, gamma.offset() + i, i, w)).add(load(bs, beta.offset() + i, i, w));
                    store(y, os, or + i, i, w);
                }
                if (mean != null) {
                    mean.data()[mean.offset() + m] = mu;
                }
                if (rstd != null) {
                    rstd.data()[rstd.offset() + m] = scale;
                }
            }
        });
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
                int pb = blk * w;
                int end = Math.min(d.rows(), (blk + 1) * LayerNorm.ROW_BLOCK);
                for (int m = blk * LayerNorm.ROW_BLOCK; m < end; m++) {
                    int xr = x.offset() + m * w;
                    int gr = gout.offset() + m * w;
                    float mu = mean.data()[mean.offset() + m];
                    float r = rstd.data()[rstd.offset() + m];
                    FloatVector sumGh = FloatVector.zero(S);
                    FloatVector sumGhX = FloatVector.zero(S);
                    for (int i = 0; i < w; i += LANES) {
                        FloatVector g = load(gs, gr + i, i, w);
                        FloatVector xhat = load(xs, xr + i, i, w).sub(mu).mul(r);
                        FloatVector gh = g.mul(load(gm, gamma.offset() + i, i, w));
                        sumGh = sumGh.add(gh);
                        sumGhX = gh.fma(xhat, sumGhX);
                        // masked-off lanes loaded zero gout, so they add nothing to the partials
                        store(g.fma(xhat, load(partGamma, pb + i, i, w)), partGamma, pb + i, i, w);
                        store(g.add(load(partBeta, pb + i, i, w)), partBeta, pb + i, i, w);
                    }
                    if (gx == null) {
                        continue;
                    }
                    float a = VectorMath.sumLanes(sumGh) / w;
                    float b = VectorMath.sumLanes(sumGhX) / w;
                    for (int i = 0; i < w; i += LANES) {
                        FloatVector xhat = load(xs, xr + i, i, w).sub(mu).mul(r);
                        FloatVector gh = load(gs, gr + i, i, w).mul(load(gm, gamma.offset() + i, i, w));
                        store(gh.sub(a).sub(xhat.mul(b)).mul(r), gx.data(), gx.offset() + m * w + i, i, w);
                    }
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

    /** Loads {@code a[at..]}, masking lanes at column {@code i} or beyond {@code w}: a row's tail. */
    private static FloatVector load(float[] a, int at, int i, int w) {
        return i + LANES <= w ? FloatVector.fromArray(S, a, at) : FloatVector.fromArray(S, a, at, S.indexInRange(i, w));
    }

    private static void store(FloatVector v, float[] a, int at, int i, int w) {
        if (i + LANES <= w) {
            v.intoArray(a, at);
        } else {
            v.intoArray(a, at, S.indexInRange(i, w));
        }
    }
}
