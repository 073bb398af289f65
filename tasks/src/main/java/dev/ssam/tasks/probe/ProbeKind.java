package dev.ssam.tasks.probe;

/** Which probe {@link ProbeConfig} trains. */
public enum ProbeKind {
    /** The HEAR MLP: Linear, BatchNorm1d, Dropout, ReLU, Linear ({@link MlpProbe}). */
    MLP,
    /** Logistic regression on standardised embeddings ({@link LinearProbe}): fast, for quick checks. */
    LINEAR
}
