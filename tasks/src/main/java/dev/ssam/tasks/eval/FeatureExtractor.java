package dev.ssam.tasks.eval;

import java.util.List;

/**
 * Turns 16 kHz mono clips into one fixed-width embedding each: the encoder under evaluation or a
 * baseline. Implementations are deterministic, so embeddings can be cached under
 * {@link #cacheKey()}.
 *
 * <pre>{@code
 * FeatureExtractor fx = SsamFeatures.fromWeights(Path.of("tiny.safetensors"), cpu);
 * List<float[]> e = fx.embed(List.of(pcm1, pcm2));   // each of length fx.dim()
 * }</pre>
 */
public interface FeatureExtractor {
    /** Short name for tables ("model", "random encoder", "log-mel stats"). */
    String name();

    /** One line saying exactly what this is (weights, config, seed, front end). */
    String description();

    /**
     * A stable identity of the function clip -> embedding: it changes whenever the weights, the
     * config or the front end do.
     */
    String cacheKey();

    /** Embedding width. */
    int dim();

    /** One embedding per clip (16 kHz mono, at least 201 samples each), in order. */
    List<float[]> embed(List<float[]> clips);
}
