package dev.ssam.ops.scan;

import dev.ssam.ops.scan.SelectiveScan.Dims;
import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Tensor;

/**
 * The scalar oracle of {@link SelectiveScan}: one (batch, channel) at a time, loops in the order
 * of the formula. Arithmetic is in double and rounded to float once on store, so the oracle's
 * own rounding error is far below every tolerance it is compared with, and the gradient checks
 * can difference a double-precision loss ({@link #lossInDouble}).
 */
final class ScanRef {
    /** Above this softplus is the identity (torch's threshold for beta = 1). */
    static final double SOFTPLUS_THRESHOLD = 20;

    private ScanRef() {
    }

    /** Forward for every (batch, channel). */
    static void forward(Dims dm, Inputs in, Tensor out, Tensor lastState) {
        int len = dm.len();
        int e = dm.dInner();
        int n = dm.dState();
        double[] d = new double[len];   // (L) step after bias and softplus
        double[] y = new double[len];   // (L) output of one channel
        double[] h = new double[n];     // (N) state of one channel
        for (int b = 0; b < dm.batch(); b++) {
            for (int c = 0; c < e; c++) {
                steps(dm, in, b, c, d);
                scanChannel(dm, in, b, c, d, h, y, null, null);
                // y goes to out[b, t, c]; the final state to lastState[b, c, :]
                for (int t = 0; t < len; t++) {
                    out.data()[out.offset() + (b * len + t) * e + c] = (float) y[t];
                }
                if (lastState != null) {
                    for (int k = 0; k < n; k++) {
                        lastState.data()[lastState.offset() + (b * e + c) * n + k] = (float) h[k];
                    }
                }
            }
        }
    }

    /** sum(y * gout) with y in double: the loss the central-difference checks differentiate. */
    static double lossInDouble(Dims dm, Inputs in, Tensor gout) {
        int len = dm.len();
        double[] d = new double[len];
        double[] y = new double[len];
        double[] h = new double[dm.dState()];
        double loss = 0;
        for (int b = 0; b < dm.batch(); b++) {
            for (int c = 0; c < dm.dInner(); c++) {
                steps(dm, in, b, c, d);
                scanChannel(dm, in, b, c, d, h, y, null, null);
                for (int t = 0; t < len; t++) {
                    loss += y[t] * at(gout, (b * len + t) * dm.dInner() + c);
                }
            }
        }
        return loss;
    }

    /** d[t] = softplus(delta[b, t, c] + deltaBias[c]) (each part as the inputs ask). */
    private static void steps(Dims dm, Inputs in, int b, int c, double[] d) {
        double bias = in.deltaBias() == null ? 0 : at(in.deltaBias(), c);
        for (int t = 0; t < dm.len(); t++) {
            double s = at(in.delta(), (b * dm.len() + t) * dm.dInner() + c) + bias;
            d[t] = in.deltaSoftplus() ? softplus(s) : s;
        }
    }

    /**
     * The recurrence of channel c of batch b over all tokens: y[t] is the gated output, h ends as
     * the last state; hs (nullable, (L+1) x N) receives h before token 0 (zeros) and after each
     * token t at row t+1; yssm (nullable, L) receives y before the gate.
     */
    private static void scanChannel(Dims dm, Inputs in, int b, int c, double[] d, double[] h, double[] y,
                                    double[] hs, double[] yssm) {
        int len = dm.len();
        int e = dm.dInner();
        int n = dm.dState();
        java.util.Arrays.fill(h, 0);
        for (int t = 0; t < len; t++) {
            int ut = (b * len + t) * e + c;
            int bt = (b * len + t) * n;
            double u = at(in.u(), ut);
            double acc = 0;
            for (int k = 0; k < n; k++) {
                // h = exp(d A) h + d B u
                h[k] = Math.exp(d[t] * at(in.A(), c * n + k)) * h[k] + d[t] * at(in.B(), bt + k) * u;
                // y = sum_n C h
                acc += at(in.C(), bt + k) * h[k];
                if (hs != null) {
                    hs[(t + 1) * n + k] = h[k];
                }
            }
            // + D u
            if (in.D() != null) {
                acc += at(in.D(), c) * u;
            }
            if (yssm != null) {
                yssm[t] = acc;
            }
            // * SiLU(z)
            y[t] = in.z() == null ? acc : acc * silu(at(in.z(), ut));
        }
    }

    /** Backward; accumulates the cross-channel and cross-batch sums in double. */
    static void backward(Dims dm, Inputs in, Tensor gout, Grads grads) {
        int len = dm.len();
        int e = dm.dInner();
        int n = dm.dState();
        Sums sums = new Sums(new double[e * n], new double[dm.batch() * len * n], new double[dm.batch() * len * n],
                new double[e], new double[e]);
        double[] d = new double[len];
        double[] h = new double[n];
        double[] y = new double[len];
        double[] hs = new double[(len + 1) * n];   // (L+1, N) states, row 0 = zeros
        double[] yssm = new double[len];           // (L) output before the gate
        double[] g = new double[len];    // (L) dL/dy before the gate
        double[] gh = new double[n];     // (N) dL/dh carried backwards
        for (int b = 0; b < dm.batch(); b++) {
            for (int c = 0; c < e; c++) {
                // 1. recompute the steps and every state of this channel
                steps(dm, in, b, c, d);
                scanChannel(dm, in, b, c, d, h, y, hs, yssm);
                // 2. through the gate: g = dL/dy_ssm, dz = gout y_ssm SiLU'(z)
                gate(dm, in, gout, grads, b, c, yssm, g);
                // 3. reverse time: states, A, B, C, u, delta
                reverse(dm, in, grads, sums, b, c, d, hs, g, gh);
            }
        }
        store(sums.dA, grads.dA());
        store(sums.dB, grads.dB());
        store(sums.dC, grads.dC());
        store(sums.dD, grads.dD());
        store(sums.dDeltaBias, grads.dDeltaBias());
    }

    /** Gradients summed over more than one (batch, channel). */
    private record Sums(double[] dA, double[] dB, double[] dC, double[] dD, double[] dDeltaBias) {
    }

    private static void gate(Dims dm, Inputs in, Tensor gout, Grads grads, int b, int c, double[] yssm, double[] g) {
        for (int t = 0; t < dm.len(); t++) {
            int ut = (b * dm.len() + t) * dm.dInner() + c;
            double go = at(gout, ut);
            if (in.z() == null) {
                g[t] = go;
            } else {
                double z = at(in.z(), ut);
                g[t] = go * silu(z);
                if (grads.dz() != null) {
                    grads.dz().data()[grads.dz().offset() + ut] = (float) (go * yssm[t] * siluGrad(z));
                }
            }
        }
    }

    private static void reverse(Dims dm, Inputs in, Grads grads, Sums sums, int b, int c, double[] d, double[] hs,
                                double[] g, double[] gh) {
        int len = dm.len();
        int e = dm.dInner();
        int n = dm.dState();
        double bias = in.deltaBias() == null ? 0 : at(in.deltaBias(), c);
        double dd = in.D() == null ? 0 : at(in.D(), c);
        java.util.Arrays.fill(gh, 0);
        for (int t = len - 1; t >= 0; t--) {
            int ut = (b * len + t) * e + c;
            int bt = (b * len + t) * n;
            double u = at(in.u(), ut);
            double gradU = g[t] * dd;          // from y += D u
            double gradD = 0;                  // dL/d d[t]
            sums.dD[c] += g[t] * u;
            for (int k = 0; k < n; k++) {
                double a = Math.exp(d[t] * at(in.A(), c * n + k));
                double hPrev = hs[t * n + k];
                // gh = dL/dh[t]: from y[t] = sum C h[t] and from h[t+1] = a[t+1] h[t] + ... (already in gh)
                gh[k] += g[t] * at(in.C(), bt + k);
                sums.dC[bt + k] += g[t] * hs[(t + 1) * n + k];
                // h[t] = a h[t-1] + d B u with a = exp(d A)
                double dLda = gh[k] * hPrev;
                gradD += dLda * a * at(in.A(), c * n + k) + gh[k] * at(in.B(), bt + k) * u;
                sums.dA[c * n + k] += dLda * a * d[t];
                sums.dB[bt + k] += gh[k] * d[t] * u;
                gradU += gh[k] * d[t] * at(in.B(), bt + k);
                // carry to h[t-1]
                gh[k] *= a;
            }
            // through the softplus and the bias add: d = softplus(s), s = delta + bias
            double s = at(in.delta(), ut) + bias;
            double gradS = in.deltaSoftplus() ? gradD * softplusGrad(s) : gradD;
            sums.dDeltaBias[c] += gradS;
            put(grads.du(), ut, gradU);
            put(grads.dDelta(), ut, gradS);
        }
    }

    static double softplus(double x) {
        return x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x));
    }

    static double softplusGrad(double x) {
        return x > SOFTPLUS_THRESHOLD ? 1 : sigmoid(x);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double silu(double x) {
        return x * sigmoid(x);
    }

    static double siluGrad(double x) {
        double s = sigmoid(x);
        return s * (1 + x * (1 - s));
    }

    private static double at(Tensor t, int i) {
        return t.data()[t.offset() + i];
    }

    private static void put(Tensor t, int i, double v) {
        if (t != null) {
            t.data()[t.offset() + i] = (float) v;
        }
    }

    private static void store(double[] src, Tensor dst) {
        if (dst != null) {
            for (int i = 0; i < src.length; i++) {
                dst.data()[dst.offset() + i] = (float) src[i];
            }
        }
    }
}
