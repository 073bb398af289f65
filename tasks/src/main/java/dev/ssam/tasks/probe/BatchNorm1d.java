package dev.ssam.tasks.probe;

import dev.ssam.runtime.Tensor;

/**
 * {@code torch.nn.BatchNorm1d(H)} on {@code (B, H)} rows, H fastest, with PyTorch's defaults
 * (eps 1e-5, momentum 0.1, affine, running statistics), in plain scalar Java.
 *
 * <pre>
 *   training:  mu_j = mean_b h[b, j]     var_j = mean_b (h[b, j] - mu_j)^2      (biased)
 *              xhat = (h - mu) / sqrt(var + eps)       out = gamma xhat + beta
 *              running_mean = 0.9 running_mean + 0.1 mu
 *              running_var  = 0.9 running_var  + 0.1 var B / (B - 1)             (unbiased)
 *   eval:      out = gamma (h - running_mean) / sqrt(running_var + eps) + beta
 *   backward:  g_beta = sum_b g      g_gamma = sum_b g xhat
 *              g_h = gamma invstd / B (B g - sum_b g - xhat sum_b (g xhat))
 * </pre>
 *
 * Column sums run in double. Training needs B >= 2, as in PyTorch.
 */
final class BatchNorm1d {
    static final float EPS = 1e-5f;
    static final float MOMENTUM = 0.1f;

    private BatchNorm1d() {
    }

    /** Training forward: writes {@code xhat (B, H)}, {@code invStd (H)}, {@code out (B, H)}; updates the running stats. */
    static void forwardTrain(Tensor h, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                             Tensor xhat, Tensor invStd, Tensor out) {
        int b = h.dim(0);
        int n = h.dim(1);
        if (b < 2) {
            throw new IllegalArgumentException("batchNorm1d: training needs at least 2 rows, got " + b);
        }
        float[] hd = h.data();
        double[] mean = new double[n];
        double[] var = new double[n];
        // column means
        for (int i = 0; i < b; i++) {
            int o = h.offset() + i * n;
            for (int j = 0; j < n; j++) {
                mean[j] += hd[o + j];
            }
        }
        for (int j = 0; j < n; j++) {
            mean[j] /= b;
        }
        // biased column variances
        for (int i = 0; i < b; i++) {
            int o = h.offset() + i * n;
            for (int j = 0; j < n; j++) {
                double d = hd[o + j] - mean[j];
                var[j] += d * d;
            }
        }
        float[] is = invStd.data();
        float[] rm = runningMean.data();
        float[] rv = runningVar.data();
        for (int j = 0; j < n; j++) {
            var[j] /= b;
            is[invStd.offset() + j] = (float) (1 / Math.sqrt(var[j] + EPS));
            rm[runningMean.offset() + j] = (float) ((1 - MOMENTUM) * rm[runningMean.offset() + j] + MOMENTUM * mean[j]);
            rv[runningVar.offset() + j] = (float) ((1 - MOMENTUM) * rv[runningVar.offset() + j]
                    + MOMENTUM * var[j] * b / (b - 1));
        }
        // normalise, scale, shift
        float[] xd = xhat.data();
        float[] od = out.data();
        float[] g = gamma.data();
        float[] be = beta.data();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                float x = (float) ((hd[h.offset() + i * n + j] - mean[j]) * is[invStd.offset() + j]);
                xd[xhat.offset() + i * n + j] = x;
                od[out.offset() + i * n + j] = g[gamma.offset() + j] * x + be[beta.offset() + j];
            }
        }
    }

    /** Eval forward with the running statistics; {@code out} may be {@code h}. */
    static void forwardEval(Tensor h, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, Tensor out) {
        int b = h.dim(0);
        int n = h.dim(1);
        float[] scale = new float[n];
        float[] shift = new float[n];
        for (int j = 0; j < n; j++) {
            double inv = 1 / Math.sqrt(runningVar.data()[runningVar.offset() + j] + (double) EPS);
            scale[j] = (float) (gamma.data()[gamma.offset() + j] * inv);
            shift[j] = (float) (beta.data()[beta.offset() + j] - runningMean.data()[runningMean.offset() + j] * scale[j]);
        }
        float[] hd = h.data();
        float[] od = out.data();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                od[out.offset() + i * n + j] = hd[h.offset() + i * n + j] * scale[j] + shift[j];
            }
        }
    }

    /** Backward of {@link #forwardTrain}: overwrites {@code gh (B, H)}, {@code gGamma (H)}, {@code gBeta (H)}. */
    static void backward(Tensor gout, Tensor xhat, Tensor invStd, Tensor gamma, Tensor gh, Tensor gGamma, Tensor gBeta) {
        int b = gout.dim(0);
        int n = gout.dim(1);
        float[] g = gout.data();
        float[] x = xhat.data();
        double[] sumG = new double[n];
        double[] sumGx = new double[n];
        // column sums of g and g * xhat
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                float gv = g[gout.offset() + i * n + j];
                sumG[j] += gv;
                sumGx[j] += (double) gv * x[xhat.offset() + i * n + j];
            }
        }
        float[] coef = new float[n];
        for (int j = 0; j < n; j++) {
            gBeta.data()[gBeta.offset() + j] = (float) sumG[j];
            gGamma.data()[gGamma.offset() + j] = (float) sumGx[j];
            coef[j] = gamma.data()[gamma.offset() + j] * invStd.data()[invStd.offset() + j] / b;
        }
        // g_h = gamma invstd / B (B g - sum g - xhat sum g xhat)
        float[] ghd = gh.data();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                ghd[gh.offset() + k] = (float) (coef[j] * (b * (double) g[gout.offset() + k] - sumG[j]
                        - x[xhat.offset() + k] * sumGx[j]));
            }
        }
    }
}
