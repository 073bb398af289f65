package dev.ssam.tools;

import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.tasks.hear.SyntheticTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = SsamCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void evaluatesMicroModelOnTinySyntheticTask() throws Exception {
        Path task = SyntheticTask.build(tmp.resolve("synthetic"), 5, 0.25).dir();
        Path model = GoldenFiles.resource(getClass(), "micro.safetensors");
        Path out = tmp.resolve("report");
        Run r = run("eval", "--model", model.toString(), "--task", task.toString(), "--probe", "linear", "--seeds", "2",
                "--out", out.toString(), "--cache", tmp.resolve("cache").toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err() + r.out());
        for (String f : List.of("report.md", "report.html", "results.json", "scores-ssam-synthetic10.png",
                "confusion-ssam-synthetic10.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing; output:\n" + r.out());
        }
        String header = r.out().lines().filter(l -> l.startsWith("task ")).findFirst().orElseThrow();
        assertTrue(header.matches("task\\s+metric\\s+model\\s+random encoder\\s+log-mel stats"), header);
        String row = r.out().lines().filter(l -> l.startsWith("ssam-synthetic10")).findFirst().orElseThrow();
        assertEquals(3, row.split("\\+-").length - 1, "three columns of mean +- interval: " + row);
        assertTrue(Files.readString(out.resolve("report.md")).contains("| task | metric | model | random encoder | log-mel stats |"));

        Run again = run("eval", "--model", model.toString(), "--task", task.toString(), "--probe", "linear", "--seeds", "2",
                "--out", out.toString(), "--cache", tmp.resolve("cache").toString(), "--threads", "2");
        assertEquals(0, again.code());
        assertTrue(again.out().contains("(cache)"), "second run reads the embedding cache");
        assertEquals(row, again.out().lines().filter(l -> l.startsWith("ssam-synthetic10")).findFirst().orElseThrow(),
                "same scores from cached embeddings");
    }

    @Test
    void evaluatesSyntheticEventTaskFromTheCommandLine() throws Exception {
        Path task = tmp.resolve("events");
        Run b = run("tasks", "build", "synthetic-events", "--out", task.toString(), "--clips-per-fold", "2", "--seconds", "1");
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("built ssam-synthetic-events") && b.out().contains("metric event_onset_200ms_fms"), b.out());
        Run r = run("eval", "--model", GoldenFiles.resource(getClass(), "micro.safetensors").toString(), "--task", task.toString(),
                "--probe", "linear", "--seeds", "1", "--max-epochs", "2", "--no-cache", "--out", tmp.resolve("report").toString(),
                "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("event_onset_200ms_fms"), r.out());
    }

    @Test
    void rejectsSceneLabelsInAnEventTask() throws Exception {
        Path task = SyntheticTask.build(tmp.resolve("synthetic"), 5, 0.1).dir();
        Path meta = task.resolve("task_metadata.json");
        Files.writeString(meta, Files.readString(meta).replace("\"scene\"", "\"event\"")
                .replace("\"multiclass\"", "\"multilabel\""));
        Run r = run("eval", "--model", GoldenFiles.resource(getClass(), "micro.safetensors").toString(), "--task",
                task.toString(), "--no-cache");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("has event \"") && r.err().contains("\"start\": ms"), r.err());
    }
}
