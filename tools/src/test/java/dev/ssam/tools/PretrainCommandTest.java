package dev.ssam.tools;

import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretrainCommandTest {
    @TempDir
    Path tmp;

    private String[] args(Path out, String... more) {
        String[] base = {"pretrain", "--data", "synthetic:6:2.5", "--config", "micro", "--batch", "2", "--lr", "0.1",
            "--threads", "2", "--out", out.toString(), "--cache-dir", tmp.resolve("cache").toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void trainsPrintsSettingsProgressAndSummaryThenResumes() throws Exception {
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of(args(out, "--steps", "3", "--save-every", "2"));
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().startsWith("ssam pretrain: model micro: D 32"), r.describe());
        assertTrue(r.out().contains("schedule  3 steps of 2 clips"), r.describe());
        assertTrue(r.out().contains("\rstep 3/3 ["), r.describe());
        assertTrue(r.out().contains("ssam pretrain: 3 steps in "), r.describe());
        SsamParams w = SsamWeights.load(out.resolve("model.safetensors"));
        assertEquals(SsamConfig.micro(), w.config());
        assertTrue(Files.isRegularFile(out.resolve("loss.png")));
        assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());

        CliRun again = CliRun.of(args(out, "--steps", "5", "--resume"));
        assertEquals(0, again.exit(), again.describe());
        assertTrue(again.out().contains("resuming  at step 3 of 5"), again.describe());
        assertEquals(5, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    }

    @Test
    void reportsUserErrorsInOneLine() {
        CliRun both = CliRun.of(args(tmp.resolve("a"), "--steps", "3", "--epochs", "2"));
        assertEquals(2, both.exit(), both.describe());
        assertTrue(both.err().contains("give --steps or --epochs, not both"), both.describe());

        CliRun tf32 = CliRun.of(args(tmp.resolve("c"), "--steps", "1", "--device", "cpu", "--tf32"));
        assertEquals(2, tf32.exit(), tf32.describe());
        assertTrue(tf32.err().contains("--tf32 needs --device cuda (the device is cpu"), tf32.describe());

        CliRun missing = CliRun.of("pretrain", "--data", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("b").toString());
        assertEquals(1, missing.exit(), missing.describe());
        assertTrue(missing.err().contains("nowhere: data folder does not exist"), missing.describe());
        assertFalse(missing.err().contains("Exception"), missing.describe());

        CliRun ratio = CliRun.of(args(tmp.resolve("c"), "--mask-ratio", "1.5"));
        assertEquals(2, ratio.exit(), ratio.describe());
        assertTrue(ratio.err().contains("mask_ratio is 1.5"), ratio.describe());

        CliRun nothing = CliRun.of(args(tmp.resolve("d"), "--resume"));
        assertEquals(1, nothing.exit(), nothing.describe());
        assertTrue(nothing.err().contains("nothing to resume"), nothing.describe());
    }
}
