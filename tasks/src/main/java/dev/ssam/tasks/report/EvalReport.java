package dev.ssam.tasks.report;

import dev.ssam.tasks.eval.TaskComparison;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a report shows: what was evaluated, how, and the results.
 *
 * @param title    heading
 * @param systems  one line per system ("model: tiny.safetensors (tiny: D 192, ...)"), table order
 * @param protocol one line describing the probe protocol
 * @param seeds    seeds per task
 * @param tasks    the per-task results
 * @param notes    remarks to print under the results (data provenance, skipped metrics)
 * @param lossCurve the pretraining loss curve (PNG) of the model when it came from our trainer, or null
 */
public record EvalReport(String title, List<String> systems, String protocol, int seeds, List<TaskComparison> tasks,
                         List<String> notes, Path lossCurve) {
    /** A report without a pretraining loss curve. */
    public EvalReport(String title, List<String> systems, String protocol, int seeds, List<TaskComparison> tasks,
                      List<String> notes) {
        this(title, systems, protocol, seeds, tasks, notes, null);
    }

    public EvalReport {
        systems = List.copyOf(systems);
        tasks = List.copyOf(tasks);
        notes = List.copyOf(notes);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("EvalReport: no task results");
        }
    }
}
