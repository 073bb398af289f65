package dev.ssam.tasks.bench;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.Tolerance;

/**
 * A device's numbers against a reference backend's, element by element, for the {@code --check}
 * lines of {@code ssam bench}: the largest absolute and relative differences and, with a
 * tolerance to judge by, whether every pair is within it (NaN and infinities must match exactly,
 * as {@link Tolerance#accepts} has it).
 */
public final class DeviceComparison {
    private final Tolerance judge;
    private double maxAbs;
    private double maxRel;
    private boolean within = true;
    private long values;

    /** A comparison judged by {@code judge}, or only measured when it is null. */
    public DeviceComparison(Tolerance judge) {
        this.judge = judge;
    }

    /** Adds one pair. */
    public void add(double expected, double actual) {
        double abs = Math.abs(actual - expected);
        maxAbs = Math.max(maxAbs, Double.isNaN(abs) ? Double.POSITIVE_INFINITY : abs);
        maxRel = Math.max(maxRel, abs / Math.max(Math.abs(expected), 1e-30));
        within &= judge == null || judge.accepts(actual, expected);
        values++;
    }

    /** Adds every element of {@code actual} against the same element of {@code expected} (same size). */
    public void add(Tensor expected, Tensor actual) {
        float[] e = expected.data();
        float[] a = actual.data();
        for (int i = 0; i < expected.size(); i++) {
            add(e[expected.offset() + i], a[actual.offset() + i]);
        }
    }

    /** Pairs added so far. */
    public long values() {
        return values;
    }

    /**
     * {@code r} with max_abs_err and max_rel_err, then the tolerance and {@code within}, or
     * {@code judged: no} without one.
     */
    public BenchResult addTo(BenchResult r) {
        r.with("max_abs_err", maxAbs).with("max_rel_err", maxRel);
        return judge == null ? r.with("judged", "no")
                : r.with("tolerance", "atol " + judge.atol() + ", rtol " + judge.rtol()).with("within", within);
    }
}
