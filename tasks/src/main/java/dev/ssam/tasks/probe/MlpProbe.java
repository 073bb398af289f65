package dev.ssam.tasks.probe;

import dev.ssam.ops.matmul.Matmul;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The HEAR downstream MLP (hear-eval-kit {@code FullyConnectedPrediction} with one hidden layer,
 * the configuration the SSAM release ran):
 *
 * <pre>
 *   h = x W1^T + b1          W1: (H, n_in)       x: (B, n_in)
 *   a = BatchNorm1d(h)       gamma, beta, running mean and variance: (H)
 *   d = Dropout(a)           inverted dropout: kept values scaled by 1 / (1 - p); identity in eval
 *   r = ReLU(d)
 *   z = r W2^T + b2          W2: (C, H)          z: (B, C) logits
 * </pre>
 *
 * <p>Initialisation as the kit: W1 xavier-normal with gain 1 ({@code calculate_gain("linear")}),
 * W2 xavier-normal with gain sqrt(2) ({@code calculate_gain("relu")}), std = gain sqrt(2 / (fan_in
 * + fan_out)); biases keep PyTorch's {@code nn.Linear} default, uniform in +-1/sqrt(fan_in);
 * gamma 1, beta 0, running mean 0, running variance 1. Draws come from the given
 * SplittableRandom in the order W1, b1, W2, b2 (row-major). Linear layers run through
 * {@link Matmul} on the caller's backend; BatchNorm, dropout and ReLU are scalar Java.
 *
 * <pre>{@code
 * MlpProbe p = MlpProbe.init(960, 1024, 50, 0.1f, ProbeLoss.SOFTMAX_CE, new SplittableRandom(0));
 * Tensor probs = p.predict(cpu, x);   // (N, 50)
 * }</pre>
 */
public final class MlpProbe implements Probe {
    private static final int PREDICT_ROWS = 1024;

    final Tensor w1;          // (H, n_in)
    final Tensor b1;          // (H)
    final Tensor gamma;       // (H)
    final Tensor beta;        // (H)
    final Tensor runningMean; // (H)
    final Tensor runningVar;  // (H)
    final Tensor w2;          // (C, H)
    final Tensor b2;          // (C)
    final float dropout;
    final ProbeLoss loss;

    private MlpProbe(Tensor w1, Tensor b1, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                     Tensor w2, Tensor b2, float dropout, ProbeLoss loss) {
        this.w1 = w1;
        this.b1 = b1;
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.w2 = w2;
        this.b2 = b2;
        this.dropout = dropout;
        this.loss = loss;
    }

    /** A freshly initialised MLP (see the class comment). */
    public static MlpProbe init(int inputs, int hidden, int classes, float dropout, ProbeLoss loss, SplittableRandom rng) {
        if (inputs < 1 || hidden < 1 || classes < 1) {
            throw new IllegalArgumentException("MlpProbe: inputs " + inputs + ", hidden " + hidden + ", classes " + classes
                    + ", expected all >= 1");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("MlpProbe: dropout " + dropout + ", expected 0 <= p < 1");
        }
        Tensor w1 = xavierNormal(hidden, inputs, 1.0, rng);
        Tensor b1 = linearBias(hidden, inputs, rng);
        Tensor w2 = xavierNormal(classes, hidden, Math.sqrt(2), rng);
        Tensor b2 = linearBias(classes, hidden, rng);
        Tensor gamma = Tensor.zeros(hidden);
        gamma.fill(1f);
        Tensor var = Tensor.zeros(hidden);
        var.fill(1f);
        return new MlpProbe(w1, b1, gamma, Tensor.zeros(hidden), Tensor.zeros(hidden), var, w2, b2, dropout, loss);
    }

    /** {@code torch.nn.init.xavier_normal_} of an (out, in) weight. */
    static Tensor xavierNormal(int out, int in, double gain, SplittableRandom rng) {
        double std = gain * Math.sqrt(2.0 / (in + out));
        Tensor w = Tensor.zeros(out, in);
        float[] d = w.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (std * rng.nextGaussian());
        }
        return w;
    }

    /** {@code nn.Linear}'s default bias: uniform in +-1/sqrt(fan_in). */
    static Tensor linearBias(int out, int in, SplittableRandom rng) {
        double bound = 1 / Math.sqrt(in);
        Tensor b = Tensor.zeros(out);
        float[] d = b.data();
        for (int i = 0; i < out; i++) {
            d[i] = (float) rng.nextDouble(-bound, bound);
        }
        return b;
    }

    /** A deep copy (a checkpoint). */
    public MlpProbe copy() {
        return new MlpProbe(w1.copy(), b1.copy(), gamma.copy(), beta.copy(), runningMean.copy(), runningVar.copy(),
                w2.copy(), b2.copy(), dropout, loss);
    }

    @Override
    public int inputs() {
        return w1.dim(1);
    }

    /** Hidden width H. */
    public int hidden() {
        return w1.dim(0);
    }

    @Override
    public int classes() {
        return w2.dim(0);
    }

    /** The dropout probability used in training. */
    public float dropout() {
        return dropout;
    }

    /** Eval-mode logits {@code (N, C)} for {@code x (N, n_in)}, computed 1024 rows at a time. */
    public Tensor logits(Backend backend, Tensor x) {
        int n = x.dim(0);
        Tensor z = Tensor.zeros(n, classes());
        Tensor h = Tensor.zeros(Math.min(n, PREDICT_ROWS), hidden());
        for (int from = 0; from < n; from += PREDICT_ROWS) {
            int to = Math.min(n, from + PREDICT_ROWS);
            Tensor hb = h.slice0(0, to - from);
            Matmul.linear(backend, x.slice0(from, to), w1, b1, hb);
            BatchNorm1d.forwardEval(hb, gamma, beta, runningMean, runningVar, hb);
            float[] d = hb.data();
            for (int i = hb.offset(), end = hb.offset() + hb.size(); i < end; i++) {
                d[i] = Math.max(d[i], 0f);
            }
            Matmul.linear(backend, hb, w2, b2, z.slice0(from, to));
        }
        return z;
    }

    @Override
    public Tensor predict(Backend backend, Tensor x) {
        Tensor z = logits(backend, x);
        loss.activate(z, z);
        return z;
    }

    /** The trainable tensors: W1, b1, gamma, beta, W2, b2. */
    List<Tensor> parameters() {
        return List.of(w1, b1, gamma, beta, w2, b2);
    }

    /** Training state (gradients, Adam moments, scratch for {@code maxBatch} rows) over this probe's weights. */
    Training training(float learningRate, int maxBatch) {
        return new Training(learningRate, maxBatch);
    }

    /** One optimiser over this probe; {@link #step} runs forward, backward and an Adam update. */
    final class Training {
        private final Tensor gw1 = Tensor.zeros(w1.shape());
        private final Tensor gb1 = Tensor.zeros(b1.shape());
        private final Tensor gGamma = Tensor.zeros(gamma.shape());
        private final Tensor gBeta = Tensor.zeros(beta.shape());
        private final Tensor gw2 = Tensor.zeros(w2.shape());
        private final Tensor gb2 = Tensor.zeros(b2.shape());
        private final Tensor h;       // (maxB, H) pre-norm, then reused for its gradient
        private final Tensor xhat;    // (maxB, H)
        private final Tensor act;     // (maxB, H) BN output, then r = ReLU(dropout(BN))
        private final Tensor mask;    // (maxB, H) 0 or 1 / (1 - p)
        private final Tensor grad;    // (maxB, H) gradient of r, then of the BN output
        private final Tensor z;       // (maxB, C)
        private final Tensor gz;      // (maxB, C)
        private final Tensor invStd = Tensor.zeros(hidden());
        private final Adam adam;

        private Training(float learningRate, int maxBatch) {
            int hd = hidden();
            h = Tensor.zeros(maxBatch, hd);
            xhat = Tensor.zeros(maxBatch, hd);
            act = Tensor.zeros(maxBatch, hd);
            mask = Tensor.zeros(maxBatch, hd);
            grad = Tensor.zeros(maxBatch, hd);
            z = Tensor.zeros(maxBatch, classes());
            gz = Tensor.zeros(maxBatch, classes());
            adam = new Adam(learningRate);
            adam.add(w1, gw1);
            adam.add(b1, gb1);
            adam.add(gamma, gGamma);
            adam.add(beta, gBeta);
            adam.add(w2, gw2);
            adam.add(b2, gb2);
        }

        /** One training step on {@code x (B, n_in)}, {@code y (B, C)}; returns the loss before the update. */
        double step(Backend backend, Tensor x, Tensor y, SplittableRandom rng) {
            double lossValue = forwardBackward(backend, x, y, rng);
            adam.step(backend);
            return lossValue;
        }

        /** The gradients of the last {@link #forwardBackward}, in {@link #parameters()} order. */
        List<Tensor> gradients() {
            return List.of(gw1, gb1, gGamma, gBeta, gw2, gb2);
        }

        /**
         * Training-mode forward and backward (batch statistics, fresh dropout masks; running
         * statistics updated); overwrites the gradients and returns the mean loss.
         */
        double forwardBackward(Backend backend, Tensor x, Tensor y, SplittableRandom rng) {
            int b = x.dim(0);
            Tensor hb = h.slice0(0, b);
            Tensor xh = xhat.slice0(0, b);
            Tensor ab = act.slice0(0, b);
            Tensor mb = mask.slice0(0, b);
            Tensor gb = grad.slice0(0, b);
            Tensor zb = z.slice0(0, b);
            Tensor gzb = gz.slice0(0, b);
            // h = x W1^T + b1, BatchNorm with batch statistics
            Matmul.linear(backend, x, w1, b1, hb);
            BatchNorm1d.forwardTrain(hb, gamma, beta, runningMean, runningVar, xh, invStd, ab);
            // dropout then ReLU, in place on act; mask keeps the dropout scale for backward
            float keepScale = 1f / (1f - dropout);
            float[] a = ab.data();
            float[] m = mb.data();
            for (int i = 0; i < ab.size(); i++) {
                float s = dropout == 0f || rng.nextDouble() >= dropout ? keepScale : 0f;
                m[mb.offset() + i] = s;
                a[ab.offset() + i] = Math.max(a[ab.offset() + i] * s, 0f);
            }
            // logits and loss gradient
            Matmul.linear(backend, ab, w2, b2, zb);
            double lossValue = loss.lossAndGradient(zb, y, gzb);
            Matmul.linearBackward(backend, ab, w2, gzb, gb, gw2, gb2);
            // through ReLU (r > 0 exactly where its input was > 0) and dropout
            float[] g = gb.data();
            for (int i = 0; i < gb.size(); i++) {
                g[gb.offset() + i] = a[ab.offset() + i] > 0f ? g[gb.offset() + i] * m[mb.offset() + i] : 0f;
            }
            // through BatchNorm into h's buffer, then the first Linear
            BatchNorm1d.backward(gb, xh, invStd, gamma, hb, gGamma, gBeta);
            Matmul.linearBackward(backend, x, w1, hb, null, gw1, gb1);
            return lossValue;
        }
    }
}
