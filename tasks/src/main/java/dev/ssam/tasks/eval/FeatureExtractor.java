package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;

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

    /**
     * Timestamp embeddings of one clip (HEAR {@code get_timestamp_embeddings}).
     *
     * @param frames  (T, width) one embedding per frame
     * @param timesMs (T) each frame's time in milliseconds, ascending
     */
    record Timestamps(Tensor frames, float[] timesMs) {
        public Timestamps {
            if (frames.rank() != 2 || frames.dim(0) != timesMs.length || timesMs.length == 0) {
                throw new IllegalArgumentException("Timestamps: frames are " + frames.shapeString() + " for "
                        + timesMs.length + " times, expected (T, width) with T = the number of times >= 1");
            }
        }
    }

    /**
     * Timestamp embeddings of each clip, for event tasks; extractors without them throw
     * UnsupportedOperationException naming themselves.
     */
    default List<Timestamps> embedTimestamps(List<float[]> clips) {
        throw new UnsupportedOperationException(name() + " has no timestamp embeddings, which event tasks need");
    }
}
