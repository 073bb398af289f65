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
        /** The result of {@code perSeed[seed][run]} test scores: the per-seed means and their t-interval. */
        public static MetricResult of(String metric, double[][] perSeed) {
            double[] means = new double[perSeed.length];
            for (int s = 0; s < perSeed.length; s++) {
                means[s] = seedMean(perSeed[s]);
            }
            return new MetricResult(metric, perSeed, TInterval.of(means));
        }

        /** One seed's score: the mean over its runs. */
        public static double seedMean(double[] runs) {
            double s = 0;
            for (double x : runs) {
                s += x;
            }
            return s / runs.length;
        }
    }
}
