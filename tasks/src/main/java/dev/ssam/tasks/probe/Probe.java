package dev.ssam.tasks.probe;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

/**
 * A trained downstream classifier on frozen embeddings.
 *
 * <pre>{@code
 * Tensor p = probe.predict(cpu, testX);   // (N, C) class probabilities
 * }</pre>
 */
public sealed interface Probe permits MlpProbe, LinearProbe {
    /** Input width n_in. */
    int inputs();

    /** Classes C. */
    int classes();

    /** Probabilities {@code (N, C)} for {@code x: (N, n_in)} (softmax or sigmoid, eval mode). */
    Tensor predict(Backend backend, Tensor x);
}
