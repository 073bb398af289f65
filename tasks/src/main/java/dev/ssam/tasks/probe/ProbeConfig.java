package dev.ssam.tasks.probe;

import java.util.List;

/**
 * How a probe is trained: every default on one screen.
 *
 * <p>{@link #hear()} is the grid the official SSAM release ran (its copy of hear-eval-kit,
 * {@code PARAM_GRID}): one hidden layer of 1024, BatchNorm1d, dropout searched over {0.1, 0.25},
 * xavier-normal weights, Adam at 1e-4 without weight decay, batch 1024, at most 500 epochs,
 * validation every 3 epochs, early stopping after 20 validations without improvement of the
 * primary metric, and no embedding normalisation ({@code embedding_norm} is {@code Identity} and
 * its call is commented out in that kit).
 *
 * <p>{@link #linear()} is this project's quick mode: logistic regression on embeddings
 * standardised with the training split's mean and standard deviation, Adam at 1e-2, at most 100
 * epochs, validation every 2, patience 10.
 *
 * <pre>{@code
 * ProbeConfig full = ProbeConfig.hear();
 * ProbeConfig fast = ProbeConfig.linear();
 * }</pre>
 *
 * @param kind          MLP or LINEAR
 * @param hidden        hidden width of the MLP (ignored by LINEAR)
 * @param dropouts      the dropout grid, searched on the first split (LINEAR: [0])
 * @param learningRate  Adam learning rate
 * @param batchSize     rows per step; batches are taken in order, unshuffled, as the kit's loader
 * @param maxEpochs     epoch limit
 * @param validateEvery epochs between validations
 * @param patience      validations without improvement before stopping
 * @param standardize   standardise embeddings with the training rows' mean and std first
 */
public record ProbeConfig(ProbeKind kind, int hidden, List<Double> dropouts, double learningRate, int batchSize,
                          int maxEpochs, int validateEvery, int patience, boolean standardize) {
    public ProbeConfig {
        if (kind == null) {
            throw new IllegalArgumentException("ProbeConfig: kind is null");
        }
        dropouts = List.copyOf(dropouts);
        if (dropouts.isEmpty()) {
            throw new IllegalArgumentException("ProbeConfig: the dropout grid is empty");
        }
        for (double p : dropouts) {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("ProbeConfig: dropout " + p + ", expected 0 <= p < 1");
            }
        }
        if (kind == ProbeKind.MLP && hidden < 1) {
            throw new IllegalArgumentException("ProbeConfig: hidden is " + hidden + ", expected at least 1");
        }
        if (!(learningRate > 0) || batchSize < 2 || maxEpochs < 1 || validateEvery < 1 || patience < 1) {
            throw new IllegalArgumentException("ProbeConfig: learning rate " + learningRate + ", batch " + batchSize
                    + ", max epochs " + maxEpochs + ", validate every " + validateEvery + ", patience " + patience
                    + ": expected lr > 0, batch >= 2 and the others >= 1");
        }
    }

    /** The HEAR MLP grid of the SSAM release. */
    public static ProbeConfig hear() {
        return new ProbeConfig(ProbeKind.MLP, 1024, List.of(0.1, 0.25), 1e-4, 1024, 500, 3, 20, false);
    }

    /** The fast logistic-regression probe. */
    public static ProbeConfig linear() {
        return new ProbeConfig(ProbeKind.LINEAR, 0, List.of(0.0), 1e-2, 1024, 100, 2, 10, true);
    }

    /** The defaults of {@code kind}. */
    public static ProbeConfig of(ProbeKind kind) {
        return kind == ProbeKind.MLP ? hear() : linear();
    }

    /** This config with another epoch limit. */
    public ProbeConfig withMaxEpochs(int epochs) {
        return new ProbeConfig(kind, hidden, dropouts, learningRate, batchSize, epochs, validateEvery, patience, standardize);
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** One line for logs and reports. */
    public String summary() {
        return kind == ProbeKind.MLP
                ? "MLP (Linear " + hidden + ", BatchNorm1d, Dropout " + dropouts + ", ReLU, Linear), Adam lr " + plain(learningRate)
                        + ", batch " + batchSize + ", max " + maxEpochs + " epochs, validate every " + validateEvery
                        + ", patience " + patience + (standardize ? ", standardised inputs" : ", raw embeddings")
                : "logistic regression, Adam lr " + plain(learningRate) + ", batch " + batchSize + ", max " + maxEpochs
                        + " epochs, validate every " + validateEvery + ", patience " + patience
                        + (standardize ? ", standardised inputs" : ", raw embeddings");
    }
}
