package dev.ssam.ops.conv;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Tensor;

/** Scalar causal conv: the oracle for {@link CausalConv1dCpu}. Loops follow the formulas. */
final class CausalConv1dRef {
    private CausalConv1dRef() {
    }

    static void forward(CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, boolean silu, Tensor out) {
        int n = d.len();
        int e = d.channels();
        float[] os = out.data();
        for (int b = 0; b < d.batch(); b++) {
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < e; c++) {
                    float pre = pre(d, x, weight, bias, b, t, c);
                    // out = SiLU(pre) when fused
                    os[out.offset() + (b * n + t) * e + c] = silu ? VectorMath.silu(pre) : pre;
                }
            }
        }
    }

    static void backward(CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, boolean silu, Tensor gout,
                         Tensor gx, Tensor gw, Tensor gbias) {
        int nb = d.batch();
        int n = d.len();
        int e = d.channels();
        int k = d.kernel();
        float[] xs = x.data();
        float[] ws = weight.data();
        float[] gs = gout.data();
        // g = dLoss/dpre = gout * SiLU'(pre), pre recomputed: (B, L, E)
        float[] g = new float[nb * n * e];
        for (int b = 0; b < nb; b++) {
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < e; c++) {
                    int i = (b * n + t) * e + c;
                    float go = gs[gout.offset() + i];
                    g[i] = silu ? go * VectorMath.siluGrad(pre(d, x, weight, bias, b, t, c)) : go;
                }
            }
        }
        if (gx != null) {
            // gx[b,s,c] = sum_j w[c,j] g[b, s+(K-1)-j, c] over the outputs s feeds
            for (int b = 0; b < nb; b++) {
                for (int s = 0; s < n; s++) {
                    for (int c = 0; c < e; c++) {
                        float acc = 0f;
                        for (int j = 0; j < k; j++) {
                            int t = s + (k - 1) - j;
                            if (t < n) {
                                acc += ws[weight.offset() + c * k + j] * g[(b * n + t) * e + c];
                            }
                        }
                        gx.data()[gx.offset() + (b * n + s) * e + c] = acc;
                    }
                }
            }
        }
        if (gw != null) {
            // gw[c,j] = sum_b sum_t g[b,t,c] x[b, t-(K-1)+j, c], b then t ascending
            for (int c = 0; c < e; c++) {
                for (int j = 0; j < k; j++) {
                    float acc = 0f;
                    for (int b = 0; b < nb; b++) {
                        for (int t = Math.max(0, k - 1 - j); t < n; t++) {
                            int s = t - (k - 1) + j;
                            acc += g[(b * n + t) * e + c] * xs[x.offset() + (b * n + s) * e + c];
                        }
                    }
                    gw.data()[gw.offset() + c * k + j] = acc;
                }
            }
        }
        if (gbias != null) {
            // gbias[c] = sum_b sum_t g[b,t,c]
            for (int c = 0; c < e; c++) {
                float acc = 0f;
                for (int b = 0; b < nb; b++) {
                    for (int t = 0; t < n; t++) {
                        acc += g[(b * n + t) * e + c];
                    }
                }
                gbias.data()[gbias.offset() + c] = acc;
            }
        }
    }

    /** pre[b,t,c] = bias[c] + sum_j w[c,j] x[b, t-(K-1)+j, c], zero before time 0. */
    private static float pre(CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, int b, int t, int c) {
        int n = d.len();
        int e = d.channels();
        int k = d.kernel();
        float acc = bias == null ? 0f : bias.data()[bias.offset() + c];
        for (int j = 0; j < k; j++) {
            int s = t - (k - 1) + j;
            if (s >= 0) {
                acc += weight.data()[weight.offset() + c * k + j] * x.data()[x.offset() + (b * n + s) * e + c];
            }
        }
        return acc;
    }
}
