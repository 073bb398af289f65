package dev.ssam.tools;

import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamParams;
import dev.ssam.runtime.check.GoldenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ssam info} on the golden micro weights. */
class InfoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void printsConfigParameterCountAndFormat() {
        Path model = GoldenFiles.resource(getClass(), "micro.safetensors");
        CliRun r = CliRun.of("info", "--model", model.toString());
        assertEquals(0, r.exit(), r.describe());
        String count = String.format(Locale.ROOT, "%,d", SsamParams.numParams(SsamConfig.micro()));
        assertTrue(r.out().contains("parameters:   " + count + " ("), r.describe());
        assertTrue(r.out().contains("  dModel:     32\n"), r.describe());
        assertTrue(r.out().contains("config:       " + SsamConfig.micro().summary()), r.describe());
        assertTrue(r.out().contains(SsamConfig.micro().toJson()), r.describe());
        assertTrue(r.out().contains("format:       safetensors (one file)"), r.describe());
        assertTrue(r.out().contains("scene 160-d per clip, timestamp 160-d every 40 ms"), r.describe());
        assertFalse(r.out().contains("blocks.0.mixer.A_log"), "tensors are listed only with --tensors");
    }

    @Test
    void listsTensorsWithShapesAndStoredDtypes() {
        Path model = GoldenFiles.resource(getClass(), "micro-checkpoint-4.pth");
        CliRun r = CliRun.of("info", "-m", model.toString(), "--tensors");
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("PyTorch checkpoint"), r.describe());
        assertTrue(r.out().contains("inferred from tensor shapes"), r.describe());
        assertTrue(r.out().contains("saved at epoch 4"), r.describe());
        assertTrue(r.out().matches("(?s).*\n  blocks\\.1\\.mixer\\.A_log +\\[96, 8] +float32 +768\n.*"), r.describe());
        assertTrue(r.out().matches("(?s).*\n  pos_embed +\\[1, 251, 32] +float32 +8,032  \\(frozen\\)\n.*"), r.describe());
    }

    @Test
    void missingModelIsACleanError() {
        Path missing = tmp.resolve("x.pth");
        CliRun r = CliRun.of("info", "--model", missing.toString());
        assertEquals(1, r.exit(), r.describe());
        assertEquals("ssam info: " + missing + ": weights file not found", r.err().strip());
    }
}
