package dev.ssam.tasks.report;

import dev.ssam.tasks.eval.TInterval;
import dev.ssam.tasks.eval.TaskComparison;
import dev.ssam.tasks.eval.TaskResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results as rows of text: {@code task, metric}, then one cell per system with the mean over
 * seeds and the half-width of its 95% t-interval ({@code 0.812 ± 0.010}; {@code n/a} for a
 * single seed's interval). The caller chooses the plus-minus sign (the console may not print
 * UTF-8).
 *
 * <pre>{@code
 * ResultTable t = ResultTable.of(comparisons, "+-");
 * t.header();   // [task, metric, model, random encoder, log-mel stats]
 * }</pre>
 *
 * @param header column names
 * @param rows   one row per (task, metric)
 */
public record ResultTable(List<String> header, List<List<String>> rows) {
    public ResultTable {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
    }

    /** The table of {@code tasks}; system columns follow the first task's systems. */
    public static ResultTable of(List<TaskComparison> tasks, String plusMinus) {
        List<String> header = new ArrayList<>(List.of("task", "metric"));
        for (TaskResult r : tasks.getFirst().results()) {
            header.add(r.system());
        }
        List<List<String>> rows = new ArrayList<>();
        for (TaskComparison c : tasks) {
            int metrics = c.results().getFirst().metrics().size();
            for (int m = 0; m < metrics; m++) {
                List<String> row = new ArrayList<>();
                row.add(c.task());
                row.add(c.results().getFirst().metrics().get(m).metric());
                for (TaskResult r : c.results()) {
                    row.add(cell(r.metrics().get(m).interval(), plusMinus));
                }
                rows.add(row);
            }
        }
        return new ResultTable(header, rows);
    }

    /** {@code mean ± halfWidth} with 3 decimals. */
    public static String cell(TInterval.Interval i, String plusMinus) {
        String mean = Double.isNaN(i.mean()) ? "n/a" : String.format(Locale.ROOT, "%.3f", i.mean());
        String hw = Double.isNaN(i.halfWidth()) ? "n/a" : String.format(Locale.ROOT, "%.3f", i.halfWidth());
        return mean + " " + plusMinus + " " + hw;
    }
}
