package dev.ssam.tasks.eval;

import java.util.List;

/**
 * Scores of one system (encoder or baseline) on one task.
 *
 * @param task       task name
 * @param system     system name ("model", "random encoder", "log-mel stats")
 * @param metrics    one entry per computed metric, the primary first
 * @param dropouts   the dropout the grid chose, per seed
 * @param confusion  {@code [true][predicted]} counts over all test splits of seed 0, or null
 *                   (multilabel tasks)
 * @param labels     class labels (confusion axes)
 * @param notes      skipped metrics and other remarks
 */
public record TaskResult(String task, String system, List<MetricResult> metrics, double[] dropouts, int[][] confusion,
                         List<String> labels, List<String> notes) {
    public TaskResult {
        metrics = List.copyOf(metrics);
        labels = List.copyOf(labels);
        notes = List.copyOf(notes);
    }

    /** The primary metric's result. */
    public MetricResult primary() {
        return metrics.getFirst();
    }

    /**
     * One metric over seeds.
     *
     * @param metric   metadata name ("top1_acc")
     * @param perSeed  per seed, per run (split): the test score, {@code [seed][run]}
     * @param interval mean over seeds of the per-seed means over runs, with its 95% t-interval
     */
    public record MetricResult(String metric, double[][] perSeed, TInterval.Interval interval) {
    }
}
