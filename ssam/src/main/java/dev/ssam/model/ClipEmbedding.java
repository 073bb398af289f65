package dev.ssam.model;

import dev.ssam.runtime.Tensor;

/**
 * Embeddings of one clip through the HEAR runtime path (SSAM-SPEC section 4).
 *
 * @param timestamps   (frames, 5D) one embedding per 40 ms output frame
 * @param timesMs      (frames) centre time of each frame in milliseconds: {@code i * duration_ms / frames}
 * @param scene        (5D) the mean of {@code timestamps} over frames
 * @param durationMs   clip length in milliseconds
 */
public record ClipEmbedding(Tensor timestamps, float[] timesMs, Tensor scene, double durationMs) {
    /** Number of timestamp frames. */
    public int frames() {
        return timestamps.dim(0);
    }
}
