package dev.ssam.tasks.eval;

import dev.ssam.tasks.probe.ProbeConfig;

import java.nio.file.Path;

/**
 * Settings of an evaluation.
 *
 * <pre>{@code
 * EvalConfig c = EvalConfig.hear(Path.of(".ssam-cache/embeddings"));     // MLP, 10 seeds
 * EvalConfig quick = new EvalConfig(ProbeConfig.linear(), 2, 16, 0L, null);
 * }</pre>
 *
 * @param probe       how each probe trains
 * @param seeds       seeds 0 .. seeds - 1 (the protocol uses 10)
 * @param clipBatch   clips embedded per encoder call
 * @param randomSeed  seed of the randomly initialised baseline encoder
 * @param cacheDir    embedding cache folder, or null for none
 */
public record EvalConfig(ProbeConfig probe, int seeds, int clipBatch, long randomSeed, Path cacheDir) {
    /** The protocol's seed count. */
    public static final int PROTOCOL_SEEDS = 10;

    public EvalConfig {
        if (probe == null) {
            throw new IllegalArgumentException("EvalConfig: probe is null");
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("EvalConfig: seeds is " + seeds + ", expected at least 1");
        }
        if (clipBatch < 1) {
            throw new IllegalArgumentException("EvalConfig: clip batch is " + clipBatch + ", expected at least 1");
        }
    }

    /** The HEAR protocol: MLP grid, 10 seeds, 16 clips per encoder call, random-encoder seed 0. */
    public static EvalConfig hear(Path cacheDir) {
        return new EvalConfig(ProbeConfig.hear(), PROTOCOL_SEEDS, 16, 0L, cacheDir);
    }
}
