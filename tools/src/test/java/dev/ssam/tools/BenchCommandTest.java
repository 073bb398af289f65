package dev.ssam.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
