package dev.ssam.tasks.probe;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

import java.util.SplittableRandom;

/**
 * Trains one probe on one split with early stopping, as hear-eval-kit's
 * {@code task_predictions_train} does with PyTorch Lightning:
 *
 * <ul>
 *   <li>each epoch walks the training rows in order in batches of {@link ProbeConfig#batchSize()}
 *       (the kit's training loader does not shuffle: its {@code split_name} is a list, never the
 *       string "train" that would turn shuffling on);</li>
 *   <li>after every {@link ProbeConfig#validateEvery()}-th epoch the primary metric is computed
 *       on the validation split; a strictly better score (Lightning's {@code ModelCheckpoint} and
 *       {@code EarlyStopping} with min_delta 0, mode max) saves a checkpoint and resets the
 *       patience counter; otherwise the counter grows, and training stops when it reaches
 *       {@link ProbeConfig#patience()};</li>
 *   <li>the best checkpoint is returned (the test split is scored with it by the caller).</li>
 * </ul>
 *
 * <p>Deviation: a trailing MLP batch of a single row is skipped, since BatchNorm1d cannot train on
 * one row (PyTorch raises an error there). The first validation always checkpoints, even when its
 * score is NaN; a NaN never counts as an improvement afterwards. When the epoch limit is below the
 * validation interval, the last epoch is validated so there is a checkpoint.
 *
 * <p>Determinism: {@code seed} seeds one SplittableRandom; the initial weights and then the
 * dropout masks are drawn from streams split from it. The same inputs, seed and backend (with the
 * same thread count) give bitwise the same probe.
 *
 * <pre>{@code
 * ProbeTrainer.Result r = ProbeTrainer.train(cpu, ProbeConfig.hear(), 0.1, train, valid,
 *         ProbeLoss.SOFTMAX_CE, Metrics::top1, 0L);
 * Tensor p = r.probe().predict(cpu, test.x());
 * }</pre>
 */
public final class ProbeTrainer {
    private ProbeTrainer() {
    }

    /** The validation metric; larger is better. */
    @FunctionalInterface
    public interface Scorer {
        /** Score of {@code probabilities (N, C)} against multi-hot {@code targets (N, C)}. */
        double score(Tensor probabilities, Tensor targets);
    }

    /**
     * A trained probe.
     *
     * @param probe      the best checkpoint
     * @param validScore its validation score
     * @param bestEpoch  the epoch (1-based) it was saved after
     * @param epochs     epochs trained before stopping
     * @param dropout    the dropout it was trained with
     */
    public record Result(Probe probe, double validScore, int bestEpoch, int epochs, double dropout) {
    }

    /** Trains a probe of {@code cfg.kind()} with {@code dropout} (MLP only) on {@code train}, selecting on {@code valid}. */
    public static Result train(Backend backend, ProbeConfig cfg, double dropout, ProbeData train, ProbeData valid,
                               ProbeLoss loss, Scorer scorer, long seed) {
        if (train.inputs() != valid.inputs() || train.classes() != valid.classes()) {
            throw new IllegalArgumentException("ProbeTrainer: train is (" + train.inputs() + " inputs, " + train.classes()
                    + " classes) but valid is (" + valid.inputs() + ", " + valid.classes() + ")");
        }
        int n = train.size();
        if (cfg.kind() == ProbeKind.MLP && n < 2) {
            throw new IllegalArgumentException("ProbeTrainer: the MLP probe needs at least 2 training rows "
                    + "(BatchNorm1d), got " + n);
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom initRng = root.split();
        SplittableRandom dropRng = root.split();
        int maxBatch = Math.min(cfg.batchSize(), n);
        float lr = (float) cfg.learningRate();
        MlpProbe mlp = null;
        MlpProbe.Training mlpTraining = null;
        LinearProbe linear = null;
        LinearProbe.Training linearTraining = null;
        switch (cfg.kind()) {
            case MLP -> {
                mlp = MlpProbe.init(train.inputs(), cfg.hidden(), train.classes(), (float) dropout, loss, initRng);
                mlpTraining = mlp.training(lr, maxBatch);
            }
            case LINEAR -> {
                linear = LinearProbe.init(train.inputs(), train.classes(), loss, initRng);
                linearTraining = linear.training(lr, maxBatch);
            }
        }
        Probe live = mlp != null ? mlp : linear;
        Probe best = null;
        double bestScore = Double.NaN;
        int bestEpoch = 0;
        int wait = 0;
        int epoch = 0;
        while (epoch < cfg.maxEpochs()) {
            for (int from = 0; from < n; from += cfg.batchSize()) {
                int to = Math.min(n, from + cfg.batchSize());
                Tensor x = train.x().slice0(from, to);
                Tensor y = train.y().slice0(from, to);
                if (mlpTraining != null) {
                    if (to - from >= 2) {
                        mlpTraining.step(backend, x, y, dropRng);
                    }
                } else {
                    linearTraining.step(backend, x, y);
                }
            }
            epoch++;
            if (epoch % cfg.validateEvery() != 0 && !(epoch == cfg.maxEpochs() && best == null)) {
                continue;
            }
            double score = scorer.score(live.predict(backend, valid.x()), valid.y());
            if (best == null || score > bestScore || (Double.isNaN(bestScore) && !Double.isNaN(score))) {
                best = snapshot(live);
                bestScore = score;
                bestEpoch = epoch;
                wait = 0;
            } else if (++wait >= cfg.patience()) {
                break;
            }
        }
        return new Result(best, bestScore, bestEpoch, epoch, dropout);
    }

    private static Probe snapshot(Probe p) {
        return switch (p) {
            case MlpProbe m -> m.copy();
            case LinearProbe l -> l.copy();
        };
    }
}
