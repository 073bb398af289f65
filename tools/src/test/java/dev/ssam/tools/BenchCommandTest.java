package dev.ssam.tools;

import dev.ssam.runtime.check.DeviceChecks;
import dev.ssam.runtime.check.GoldenFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors of the {@code ssam bench} subcommands name the whole command. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aFailingBenchSubcommandIsNamedInFull() {
        Path missing = tmp.resolve("x.safetensors");
        CliRun r = CliRun.of("bench", "embed", "--model", missing.toString(), "--batch", "1", "--threads", "1");
        assertEquals(1, r.exit(), r.describe());
        assertEquals("ssam bench embed: " + missing + ": weights file not found", r.err().strip());
    }

    @Test
    void checkOnTheCpuIsAUsageError() {
        CliRun r = CliRun.of("bench", "embed", "--check", "2", "--batch", "1", "--threads", "1");
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.err().contains("--check needs at least 1 clip and a device other than cpu"), r.describe());
    }

    /** The device's embeddings against the cpu's: one embed_check line within the whole-model tolerance. */
    @Test
    void checkComparesOpenClWithTheCpu() {
        DeviceChecks.openClSkipReason().ifPresent(why -> {
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        });
        Path model = GoldenFiles.resource(getClass(), "micro.safetensors");
        CliRun r = CliRun.of("bench", "embed", "--device", "opencl", "--model", model.toString(), "--threads", "1",
                "--batch", "2", "--window-batch", "2", "--seconds", "0.2", "--check", "2");
        assertEquals(0, r.exit(), r.describe());
        String line = r.out().lines().filter(l -> l.contains("\"name\":\"embed_check\"")).findFirst().orElse("");
        assertTrue(line.contains("\"within\":true") && line.contains("\"clips\":2"), r.describe());
    }

    /** The device's training step against the cpu's: one train_check line within the whole-model tolerance. */
    @Test
    void trainCheckComparesOpenClWithTheCpu() {
        DeviceChecks.openClSkipReason().ifPresent(why -> {
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        });
        CliRun r = CliRun.of("bench", "train", "--device", "opencl", "--config", "micro", "--threads", "1",
                "--batch", "1", "--seconds", "0.1", "--check", "2");
        assertEquals(0, r.exit(), r.describe());
        String line = r.out().lines().filter(l -> l.contains("\"name\":\"train_check\"")).findFirst().orElse("");
        assertTrue(line.contains("\"within\":true") && line.contains("\"batch\":2"), r.describe());
    }

    @Test
    void trainCheckOnTheCpuIsAUsageError() {
        CliRun r = CliRun.of("bench", "train", "--config", "micro", "--check", "1");
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.err().contains("--check needs at least 1 clip and a device other than cpu"), r.describe());
    }
}
