package dev.ssam.tasks.probe;

import dev.ssam.ops.matmul.Matmul;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

import java.util.SplittableRandom;

/**
 * Logistic regression: {@code z = x W^T + b}, {@code W: (C, n_in)}, {@code b: (C)}, trained with
 * softmax cross-entropy or sigmoid BCE ({@link ProbeLoss}). W starts xavier-normal (gain 1), b at
 * PyTorch's {@code nn.Linear} default, so seeds give different starting points. Not part of the
 * HEAR protocol: the quick mode of {@code ssam eval --probe linear}.
 *
 * <pre>{@code
 * LinearProbe p = LinearProbe.init(160, 10, ProbeLoss.SOFTMAX_CE, new SplittableRandom(0));
 * }</pre>
 */
public final class LinearProbe implements Probe {
    final Tensor w; // (C, n_in)
    final Tensor b; // (C)
    final ProbeLoss loss;

    private LinearProbe(Tensor w, Tensor b, ProbeLoss loss) {
        this.w = w;
        this.b = b;
        this.loss = loss;
    }

    /** A freshly initialised probe; draws W then b from {@code rng}. */
    public static LinearProbe init(int inputs, int classes, ProbeLoss loss, SplittableRandom rng) {
        if (inputs < 1 || classes < 1) {
            throw new IllegalArgumentException("LinearProbe: inputs " + inputs + ", classes " + classes + ", expected >= 1");
        }
        Tensor w = MlpProbe.xavierNormal(classes, inputs, 1.0, rng);
        return new LinearProbe(w, MlpProbe.linearBias(classes, inputs, rng), loss);
    }

    /** A deep copy (a checkpoint). */
    public LinearProbe copy() {
        return new LinearProbe(w.copy(), b.copy(), loss);
    }

    @Override
    public int inputs() {
        return w.dim(1);
    }

    @Override
    public int classes() {
        return w.dim(0);
    }

    /** Logits {@code (N, C)}. */
    public Tensor logits(Backend backend, Tensor x) {
        Tensor z = Tensor.zeros(x.dim(0), classes());
        Matmul.linear(backend, x, w, b, z);
        return z;
    }

    @Override
    public Tensor predict(Backend backend, Tensor x) {
        Tensor z = logits(backend, x);
        loss.activate(z, z);
        return z;
    }

    Training training(float learningRate, int maxBatch) {
        return new Training(learningRate, maxBatch);
    }

    /** Adam over this probe's weights with scratch for {@code maxBatch} rows. */
    final class Training {
        private final Tensor gw = Tensor.zeros(w.shape());
        private final Tensor gb = Tensor.zeros(b.shape());
        private final Tensor z;  // (maxB, C)
        private final Tensor gz; // (maxB, C)
        private final Adam adam;

        private Training(float learningRate, int maxBatch) {
            z = Tensor.zeros(maxBatch, classes());
            gz = Tensor.zeros(maxBatch, classes());
            adam = new Adam(learningRate);
            adam.add(w, gw);
            adam.add(b, gb);
        }

        /** One step on {@code x (B, n_in)}, {@code y (B, C)}; returns the loss before the update. */
        double step(Backend backend, Tensor x, Tensor y) {
            int rows = x.dim(0);
            Tensor zb = z.slice0(0, rows);
            Tensor gzb = gz.slice0(0, rows);
            Matmul.linear(backend, x, w, b, zb);
            double l = loss.lossAndGradient(zb, y, gzb);
            Matmul.linearBackward(backend, x, w, gzb, null, gw, gb);
            adam.step(backend);
            return l;
        }
    }
}
