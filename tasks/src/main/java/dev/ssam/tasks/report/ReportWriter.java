package dev.ssam.tasks.report;

import dev.ssam.runtime.io.Json;
import dev.ssam.tasks.eval.TaskComparison;
import dev.ssam.tasks.eval.TaskResult;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes an {@link EvalReport} into a folder:
 *
 * <ul>
 *   <li>{@code report.md} and {@code report.html}: the settings, the result table (mean ± 95%
 *       t-interval over seeds for the model and both baselines), per-task charts, notes;</li>
 *   <li>{@code scores-<task>.png}: bars with intervals per metric and system;</li>
 *   <li>{@code confusion-<task>.png}: the model's confusion matrix (multiclass tasks);</li>
 *   <li>{@code results.json}: every number, per seed and per split, for further analysis.</li>
 * </ul>
 *
 * <pre>{@code
 * ReportWriter.Written files = ReportWriter.write(Path.of("eval-report"), report);
 * }</pre>
 */
public final class ReportWriter {
    private ReportWriter() {
    }

    /**
     * The files written.
     *
     * @param markdown report.md
     * @param html     report.html
     * @param json     results.json
     * @param charts   the PNG files
     */
    public record Written(Path markdown, Path html, Path json, List<Path> charts) {
    }

    /** File name of the copied pretraining loss curve. */
    static final String LOSS_CURVE = "pretrain-loss.png";

    /** Writes the report into {@code dir} (created when missing; files of the same names are replaced). */
    public static Written write(Path dir, EvalReport report) throws IOException {
        Files.createDirectories(dir);
        List<Path> charts = new ArrayList<>();
        List<String[]> perTask = new ArrayList<>(); // {scores png, confusion png or null}
        Set<String> used = new HashSet<>();
        for (TaskComparison c : report.tasks()) {
            String slug = unique(slug(c.task()), used);
            Path bars = dir.resolve("scores-" + slug + ".png");
            ImageIO.write(Charts.scoreBars(c), "png", bars.toFile());
            charts.add(bars);
            BufferedImage cm = Charts.confusion(c.results().getFirst());
            String cmName = null;
            if (cm != null) {
                Path p = dir.resolve("confusion-" + slug + ".png");
                ImageIO.write(cm, "png", p.toFile());
                charts.add(p);
                cmName = p.getFileName().toString();
            }
            perTask.add(new String[] {bars.getFileName().toString(), cmName});
        }
        String loss = null;
        if (report.lossCurve() != null && Files.isRegularFile(report.lossCurve())) {
            Path copy = dir.resolve(LOSS_CURVE);
            if (!copy.toAbsolutePath().equals(report.lossCurve().toAbsolutePath())) {
                Files.copy(report.lossCurve(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            charts.add(copy);
            loss = LOSS_CURVE;
        }
        ResultTable table = ResultTable.of(report.tasks(), "±");
        Path md = dir.resolve("report.md");
        Files.writeString(md, markdown(report, table, perTask, loss), StandardCharsets.UTF_8);
        Path html = dir.resolve("report.html");
        Files.writeString(html, html(report, table, perTask, loss), StandardCharsets.UTF_8);
        Path json = dir.resolve("results.json");
        Files.writeString(json, Json.write(json(report)) + "\n", StandardCharsets.UTF_8);
        return new Written(md, html, json, charts);
    }

    static String slug(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        return s.isEmpty() ? "task" : s;
    }

    private static String unique(String slug, Set<String> used) {
        String s = slug;
        for (int i = 2; !used.add(s); i++) {
            s = slug + "-" + i;
        }
        return s;
    }

    private static String markdown(EvalReport r, ResultTable t, List<String[]> perTask, String loss) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(r.title()).append("\n\n");
        b.append("Systems:\n\n");
        for (String s : r.systems()) {
            b.append("- ").append(s).append('\n');
        }
        b.append("\nProtocol: ").append(r.protocol()).append("; ").append(r.seeds())
                .append(" seeds, mean over seeds with the 95% t-interval half-width.\n\n");
        b.append('|');
        for (String h : t.header()) {
            b.append(' ').append(mdCell(h)).append(" |");
        }
        b.append("\n|");
        b.append(" --- |".repeat(t.header().size())).append('\n');
        for (List<String> row : t.rows()) {
            b.append('|');
            for (String cell : row) {
                b.append(' ').append(mdCell(cell)).append(" |");
            }
            b.append('\n');
        }
        for (int i = 0; i < r.tasks().size(); i++) {
            TaskComparison c = r.tasks().get(i);
            b.append("\n## ").append(c.task()).append("\n\n");
            b.append(c.clips()).append(" clips, ").append(c.classes()).append(" classes, folder `").append(c.dir()).append("`.\n\n");
            b.append("![scores](").append(perTask.get(i)[0]).append(")\n\n");
            if (perTask.get(i)[1] != null) {
                b.append("![confusion](").append(perTask.get(i)[1]).append(")\n\n");
            }
            for (TaskResult tr : c.results()) {
                for (String n : tr.notes()) {
                    b.append("- ").append(tr.system()).append(": ").append(n).append('\n');
                }
            }
        }
        if (loss != null) {
            b.append("\n## Pretraining\n\n![pretraining loss](").append(loss).append(")\n");
        }
        if (!r.notes().isEmpty()) {
            b.append("\n## Notes\n\n");
            for (String n : r.notes()) {
                b.append("- ").append(n).append('\n');
            }
        }
        return b.toString();
    }

    private static String mdCell(String s) {
        return s.replace("|", "\\|");
    }

    private static String html(EvalReport r, ResultTable t, List<String[]> perTask, String loss) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(r.title()))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}"
                        + "td:first-child,td:nth-child(2),th{text-align:left}img{max-width:100%}</style></head><body>\n");
        b.append("<h1>").append(esc(r.title())).append("</h1>\n<ul>\n");
        for (String s : r.systems()) {
            b.append("<li>").append(esc(s)).append("</li>\n");
        }
        b.append("</ul>\n<p>Protocol: ").append(esc(r.protocol())).append("; ").append(r.seeds())
                .append(" seeds, mean over seeds with the 95% t-interval half-width.</p>\n<table>\n<tr>");
        for (String h : t.header()) {
            b.append("<th>").append(esc(h)).append("</th>");
        }
        b.append("</tr>\n");
        for (List<String> row : t.rows()) {
            b.append("<tr>");
            for (String cell : row) {
                b.append("<td>").append(esc(cell)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
        for (int i = 0; i < r.tasks().size(); i++) {
            TaskComparison c = r.tasks().get(i);
            b.append("<h2>").append(esc(c.task())).append("</h2>\n<p>").append(c.clips()).append(" clips, ")
                    .append(c.classes()).append(" classes, folder <code>").append(esc(c.dir())).append("</code>.</p>\n");
            b.append("<img src=\"").append(esc(perTask.get(i)[0])).append("\" alt=\"scores\">\n");
            if (perTask.get(i)[1] != null) {
                b.append("<img src=\"").append(esc(perTask.get(i)[1])).append("\" alt=\"confusion matrix\">\n");
            }
            for (TaskResult tr : c.results()) {
                for (String n : tr.notes()) {
                    b.append("<p>").append(esc(tr.system() + ": " + n)).append("</p>\n");
                }
            }
        }
        if (loss != null) {
            b.append("<h2>Pretraining</h2>\n<img src=\"").append(esc(loss)).append("\" alt=\"pretraining loss\">\n");
        }
        if (!r.notes().isEmpty()) {
            b.append("<h2>Notes</h2>\n<ul>\n");
            for (String n : r.notes()) {
                b.append("<li>").append(esc(n)).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Map<String, Object> json(EvalReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", r.title());
        m.put("systems", r.systems());
        m.put("protocol", r.protocol());
        m.put("seeds", (long) r.seeds());
        List<Object> tasks = new ArrayList<>();
        for (TaskComparison c : r.tasks()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("task", c.task());
            t.put("dir", c.dir());
            t.put("clips", (long) c.clips());
            t.put("classes", (long) c.classes());
            List<Object> results = new ArrayList<>();
            for (TaskResult tr : c.results()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("system", tr.system());
                s.put("dropouts", list(tr.dropouts()));
                List<Object> metrics = new ArrayList<>();
                for (TaskResult.MetricResult mr : tr.metrics()) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("metric", mr.metric());
                    x.put("mean", mr.interval().mean());
                    x.put("ci95_half_width", mr.interval().halfWidth());
                    List<Object> perSeed = new ArrayList<>();
                    for (double[] runs : mr.perSeed()) {
                        perSeed.add(list(runs));
                    }
                    x.put("per_seed_per_split", perSeed);
                    metrics.add(x);
                }
                s.put("metrics", metrics);
                s.put("notes", tr.notes());
                results.add(s);
            }
            t.put("results", results);
            tasks.add(t);
        }
        m.put("tasks", tasks);
        m.put("notes", r.notes());
        return m;
    }

    private static List<Double> list(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) {
            l.add(d);
        }
        return l;
    }
}
