package dev.ssam.tasks.bench;

import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamInit;
import dev.ssam.model.SsamParams;

/** Models for benchmarks when no weights file is given: speed does not depend on trained values. */
public final class BenchModels {
    private BenchModels() {
    }

    /** {@code config} at the seeded from-scratch initialisation of the official code. */
    public static SsamParams random(SsamConfig config, long seed) {
        return SsamInit.init(config, seed);
    }
}
