package dev.ssam.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job in its reduced form: build the task, pretrain nano, evaluate against both baselines. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void quickDemoPretrainsEvaluatesAndBeatsTheRandomEncoder() {
        Path out = dir.resolve("demo");
        CliRun run = CliRun.of("demo", "--quick", "--out", out.toString(), "--threads", "2");
        assertEquals(0, run.exit(), run.describe());
        for (String f : new String[] {"task/task_metadata.json", "pretrain/model.safetensors", "pretrain/loss.png",
            "pretrain/metrics.jsonl", "report/report.md", "report/report.html", "report/results.json",
            "report/pretrain-loss.png"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing\n" + run.describe());
        }
        assertTrue(run.out().contains("model") && run.out().contains("random encoder") && run.out().contains("log-mel stats"),
                run.describe());
        assertTrue(run.out().contains("the pretrained encoder is better"), run.describe());
    }

    @Test
    void refusesANonEmptyOutputFolder() throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "x");
        CliRun run = CliRun.of("demo", "--quick", "--out", dir.toString());
        assertEquals(1, run.exit(), run.describe());
        assertTrue(run.err().contains("not empty"), run.describe());
    }
}
