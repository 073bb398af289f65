package dev.ssam.tasks.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One benchmark figure, printed as one JSON object per line by {@code ssam bench}.
 *
 * @param name    what was measured, e.g. {@code matmul_in_proj}, {@code scan_fwd}, {@code embed}
 * @param fields  the figures and parameters, in print order (threads, batch, gflops,
 *                updates_per_s, clips_per_s, median_ms, spread ...)
 */
public record BenchResult(String name, Map<String, Object> fields) {

    /** A result with {@code name} and no fields yet. */
    public static BenchResult of(String name) {
        return new BenchResult(name, new LinkedHashMap<>());
    }

    /** Adds a field (chainable). */
    public BenchResult with(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** Adds the timing's median (ms), spread and repetitions. */
    public BenchResult with(Timing t) {
        return with("median_ms", round(t.medianSeconds() * 1e3, 4)).with("spread", round(t.spread(), 3))
                .with("reps", t.reps());
    }

    /** Everything as one map, name first. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.putAll(fields);
        return m;
    }

    /** Rounds to {@code digits} significant decimals after the point. */
    public static double round(double v, int digits) {
        double s = Math.pow(10, digits);
        return Math.round(v * s) / s;
    }
}
