package dev.ssam.tasks.report;

import dev.ssam.runtime.io.Json;
import dev.ssam.tasks.eval.TInterval;
import dev.ssam.tasks.eval.TaskComparison;
import dev.ssam.tasks.eval.TaskResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {
    @TempDir
    Path tmp;

    private static TaskResult result(String system, double base, boolean confusion) {
        double[][] perSeed = {{base, base + 0.02}, {base + 0.01, base + 0.03}};
        TaskResult.MetricResult top1 = new TaskResult.MetricResult("top1_acc", perSeed,
                TInterval.of(new double[] {base + 0.01, base + 0.02}));
        TaskResult.MetricResult chroma = new TaskResult.MetricResult("chroma_acc", perSeed,
                TInterval.of(new double[] {base + 0.05, base + 0.06}));
        int[][] cm = confusion ? new int[][] {{5, 1, 0}, {2, 4, 0}, {0, 0, 6}} : null;
        return new TaskResult("pitch task", system, List.of(top1, chroma), new double[] {0.1, 0.25}, cm,
                List.of("60", "61", "a label that is much too long to fit"), List.of("metric 'x' skipped"));
    }

    @Test
    void writesMarkdownHtmlJsonAndCharts() throws IOException {
        TaskComparison c = new TaskComparison("pitch task", "/data/pitch", 18, 3,
                List.of(result("model", 0.8, true), result("random encoder", 0.3, true), result("log-mel stats", 0.5, true)));
        TaskComparison multi = new TaskComparison("pitch task", "/data/pitch2", 18, 3,
                List.of(result("model", 0.7, false), result("random encoder", 0.2, false), result("log-mel stats", 0.4, false)));
        EvalReport report = new EvalReport("Eval", List.of("model: m", "random encoder: r", "log-mel stats: l"),
                "probe", 2, List.of(c, multi), List.of("note <b>"));
        ReportWriter.Written w = ReportWriter.write(tmp.resolve("out"), report);
        assertEquals(3, w.charts().size(), "two score charts and one confusion matrix");
        for (Path p : w.charts()) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertNotNull(img, p.toString());
            assertTrue(img.getWidth() >= 400 && img.getHeight() >= 300);
        }
        assertTrue(Files.exists(tmp.resolve("out/scores-pitch_task.png")));
        assertTrue(Files.exists(tmp.resolve("out/scores-pitch_task-2.png")));
        String md = Files.readString(w.markdown());
        assertTrue(md.contains("| task | metric | model | random encoder | log-mel stats |"), md);
        assertTrue(md.contains("| pitch task | top1_acc | 0.815 ± 0.064 |"), md);
        assertTrue(md.contains("![confusion](confusion-pitch_task.png)"));
        String html = Files.readString(w.html());
        assertTrue(html.contains("<th>log-mel stats</th>") && html.contains("note &lt;b&gt;"));
        Map<String, Object> json = Json.parseObject(Files.readString(w.json()));
        assertEquals(2, ((List<?>) json.get("tasks")).size());
    }

    @Test
    void embedsThePretrainingLossCurve() throws IOException {
        TaskComparison c = new TaskComparison("t", "/data/t", 18, 3,
                List.of(result("model", 0.8, true), result("random encoder", 0.3, true), result("log-mel stats", 0.5, true)));
        Path curve = tmp.resolve("loss.png");
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", curve.toFile());
        EvalReport report = new EvalReport("Eval", List.of("model: m", "random encoder: r", "log-mel stats: l"),
                "probe", 2, List.of(c), List.of(), curve);
        ReportWriter.Written w = ReportWriter.write(tmp.resolve("out"), report);
        assertTrue(w.charts().contains(tmp.resolve("out").resolve(ReportWriter.LOSS_CURVE)), w.charts().toString());
        assertTrue(Files.readString(w.markdown()).contains("![pretraining loss](pretrain-loss.png)"));
        assertTrue(Files.readString(w.html()).contains("<img src=\"pretrain-loss.png\" alt=\"pretraining loss\">"));
        assertNotNull(ImageIO.read(tmp.resolve("out").resolve(ReportWriter.LOSS_CURVE).toFile()));
    }

    @Test
    void tableCellsShowMeanAndHalfWidth() {
        assertEquals("0.500 +- 0.100", ResultTable.cell(new TInterval.Interval(0.5, 0.1, 3), "+-"));
        assertEquals("0.500 +- n/a", ResultTable.cell(new TInterval.Interval(0.5, Double.NaN, 1), "+-"));
    }
}
