package dev.ssam.ops.norm;

import dev.ssam.runtime.Tensor;

/** Scalar LayerNorm with double statistics: the oracle for {@link LayerNormCpu}. */
final class LayerNormRef {
    private LayerNormRef() {
    }

    static void forward(LayerNorm.Dims d, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out, Tensor mean,
                        Tensor rstd) {
        int w = d.width();
        float[] xs = x.data();
        float[] gs = gamma.data();
        float[] bs = beta.data();
        float[] os = out.data();
        for (int m = 0; m < d.rows(); m++) {
            int xr = x.offset() + m * w;
            // mean = sum x / D
            double sum = 0;
            for (int i = 0; i < w; i++) {
                sum += xs[xr + i];
            }
            double mu = sum / w;
            // biased variance: sum (x - mean)^2 / D
            double sq = 0;
            for (int i = 0; i < w; i++) {
                double c = xs[xr + i] - mu;
                sq += c * c;
            }
            double r = 1.0 / Math.sqrt(sq / w + eps);
            // torch's order: (x * rstd + (-mean * rstd)) * gamma + beta
            float scale = (float) r;
            float shift = (float) (-mu * r);
            for (int i = 0; i < w; i++) {
                os[out.offset() + m * w + i] = (xs[xr + i] * scale + shift) * gs[gamma.offset() + i]
                        + bs[beta.offset() + i];
            }
            if (mean != null) {
                mean.data()[mean.offset() + m] = (float) mu;
            }
            if (rstd != null) {
                rstd.data()[rstd.offset() + m] = scale;
            }
        }
    }

    static void backward(LayerNorm.Dims d, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor gout, Tensor gx,
                         Tensor ggamma, Tensor gbeta) {
        int w = d.width();
        float[] xs = x.data();
        float[] gs = gout.data();
        float[] gm = gamma.data();
        double[] sumGamma = new double[w]; // (D)
        double[] sumBeta = new double[w]; // (D)
        for (int m = 0; m < d.rows(); m++) {
            int xr = x.offset() + m * w;
            int gr = gout.offset() + m * w;
            double mu = mean.data()[mean.offset() + m];
            double r = rstd.data()[rstd.offset() + m];
            // row means of gh = gout * gamma and of gh * xhat
            double a = 0;
            double b = 0;
            for (int i = 0; i < w; i++) {
                double xhat = (xs[xr + i] - mu) * r;
                double gh = (double) gs[gr + i] * gm[gamma.offset() + i];
                a += gh;
                b += gh * xhat;
                // parameter gradients: ggamma += gout * xhat, gbeta += gout (rows in order)
                sumGamma[i] += gs[gr + i] * xhat;
                sumBeta[i] += gs[gr + i];
            }
            a /= w;
            b /= w;
            if (gx != null) {
                // gx = rstd (gh - mean(gh) - xhat mean(gh xhat))
                for (int i = 0; i < w; i++) {
                    double xhat = (xs[xr + i] - mu) * r;
                    double gh = (double) gs[gr + i] * gm[gamma.offset() + i];
                    gx.data()[gx.offset() + m * w + i] = (float) (r * (gh - a - xhat * b));
                }
            }
        }
        for (int i = 0; i < w; i++) {
            if (ggamma != null) {
                ggamma.data()[ggamma.offset() + i] = (float) sumGamma[i];
            }
            if (gbeta != null) {
                gbeta.data()[gbeta.offset() + i] = (float) sumBeta[i];
            }
        }
    }
}
