package dev.ssam.tasks.eval;

import java.util.List;

/**
 * One task evaluated for several systems under the same protocol: the model first, then the
 * baselines (random encoder, log-mel statistics).
 *
 * @param task    task name
 * @param dir     the task folder, as given
 * @param clips   clips over all splits
 * @param classes class count
 * @param results one per system, in order
 */
public record TaskComparison(String task, String dir, int clips, int classes, List<TaskResult> results) {
    public TaskComparison {
        results = List.copyOf(results);
    }
}
