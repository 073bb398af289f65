package dev.ssam.tasks.probe;

import dev.ssam.runtime.Tensor;

/**
 * The probe's training losses over logits {@code z: (B, C)} and targets {@code y: (B, C)}, C
 * fastest, both averaged the way PyTorch's defaults average ({@code reduction="mean"}):
 *
 * <pre>
 *   SOFTMAX_CE:  loss = -(1/B) sum_b log softmax(z_b)[c_b]     c_b = argmax y_b (one-hot targets)
 *                dz   = (softmax(z) - y) / B
 *   SIGMOID_BCE: loss = (1/(B C)) sum_{b,c} softplus(z) - y z   (BCEWithLogitsLoss)
 *                dz   = (sigmoid(z) - y) / (B C)
 * </pre>
 *
 * hear-eval-kit's {@code OneHotToCrossEntropyLoss} and {@code BCEWithLogitsLoss}. Softmax subtracts
 * the row maximum first; sums of the loss run in double.
 */
public enum ProbeLoss {
    /** Softmax cross-entropy, for multiclass tasks. */
    SOFTMAX_CE,
    /** Sigmoid binary cross-entropy, for multilabel tasks. */
    SIGMOID_BCE;

    /**
     * The mean loss; writes its gradient with respect to {@code z} into {@code gz} (overwritten,
     * same shape as z).
     */
    public double lossAndGradient(Tensor z, Tensor y, Tensor gz) {
        int b = z.dim(0);
        int c = z.dim(1);
        float[] zd = z.data();
        float[] yd = y.data();
        float[] gd = gz.data();
        double total = 0;
        for (int i = 0; i < b; i++) {
            int zo = z.offset() + i * c;
            int yo = y.offset() + i * c;
            int go = gz.offset() + i * c;
            if (this == SOFTMAX_CE) {
                // softmax of the row, gradient (p - y) / B, loss -log p[target]
                float max = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    max = Math.max(max, zd[zo + k]);
                }
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    sum += Math.exp(zd[zo + k] - max);
                }
                int target = argmax(yd, yo, c);
                double logSum = Math.log(sum);
                total += -(zd[zo + target] - max - logSum);
                for (int k = 0; k < c; k++) {
                    double p = Math.exp(zd[zo + k] - max - logSum);
                    gd[go + k] = (float) ((p - yd[yo + k]) / b);
                }
            } else {
                // per element: softplus(z) - y z, gradient (sigmoid(z) - y) / (B C)
                for (int k = 0; k < c; k++) {
                    double v = zd[zo + k];
                    double softplus = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
                    total += softplus - yd[yo + k] * v;
                    gd[go + k] = (float) ((sigmoid(v) - yd[yo + k]) / ((double) b * c));
                }
            }
        }
        return this == SOFTMAX_CE ? total / b : total / ((double) b * c);
    }

    /** Probabilities from logits: softmax per row, or sigmoid per element ({@code out} may be {@code z}). */
    public void activate(Tensor z, Tensor out) {
        int b = z.dim(0);
        int c = z.dim(1);
        float[] zd = z.data();
        float[] od = out.data();
        for (int i = 0; i < b; i++) {
            int zo = z.offset() + i * c;
            int oo = out.offset() + i * c;
            if (this == SOFTMAX_CE) {
                float max = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    max = Math.max(max, zd[zo + k]);
                }
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    sum += Math.exp(zd[zo + k] - max);
                }
                for (int k = 0; k < c; k++) {
                    od[oo + k] = (float) (Math.exp(zd[zo + k] - max) / sum);
                }
            } else {
                for (int k = 0; k < c; k++) {
                    od[oo + k] = (float) sigmoid(zd[zo + k]);
                }
            }
        }
    }

    private static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    /** Index of the first maximum of {@code c} values at {@code off} (numpy's argmax). */
    static int argmax(float[] d, int off, int c) {
        int best = 0;
        for (int k = 1; k < c; k++) {
            if (d[off + k] > d[off + best]) {
                best = k;
            }
        }
        return best;
    }
}
