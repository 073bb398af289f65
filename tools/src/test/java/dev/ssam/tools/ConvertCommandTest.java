package dev.ssam.tools;

import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.model.io.PthCheckpoint;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ssam convert} of the golden micro trainer checkpoint. */
class ConvertCommandTest {
    @TempDir
    Path tmp;

    @Test
    void convertedPthLoadsEqualToItsTensors() throws IOException {
        Path pth = GoldenFiles.resource(getClass(), "micro-checkpoint-4.pth");
        Path out = tmp.resolve("micro.safetensors");
        CliRun r = CliRun.of("convert", pth.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.describe());
        int tensors = SsamParams.zeros(SsamConfig.micro()).specs().size();
        assertTrue(r.out().contains("wrote " + out + ": " + tensors + " tensors"), r.describe());
        Map<String, Tensor> expected = PthCheckpoint.read(pth).modelStateDict();
        try (Safetensors st = Safetensors.open(out)) {
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(st.names()), "official names in official order");
            for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                TensorCompare.assertBitwiseEqual(e.getKey(), e.getValue(), st.tensor(e.getKey()));
            }
            assertEquals(SsamConfig.micro().toJson(), st.metadata().get(SsamWeights.CONFIG_METADATA_KEY));
        }
        SsamParams loaded = SsamWeights.load(out);
        assertEquals(SsamConfig.micro(), loaded.config());
        for (Map.Entry<String, Tensor> e : loaded.named().entrySet()) {
            TensorCompare.assertBitwiseEqual(e.getKey(), expected.get(e.getKey()), e.getValue());
        }
    }

    @Test
    void refusesToOverwriteWithoutForce() throws IOException {
        Path pth = GoldenFiles.resource(getClass(), "micro-checkpoint-4.pth");
        Path out = Files.writeString(tmp.resolve("taken.safetensors"), "old");
        CliRun r = CliRun.of("convert", pth.toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r.describe());
        assertEquals("ssam convert: " + out + ": already exists (use --force to overwrite)", r.err().strip());
        assertEquals("old", Files.readString(out));
        assertEquals(0, CliRun.of("convert", pth.toString(), "-o", out.toString(), "--force").exit());
        assertEquals(SsamConfig.micro(), SsamWeights.load(out).config());
    }

    @Test
    void missingInputIsACleanError() {
        Path missing = tmp.resolve("x.pth");
        CliRun r = CliRun.of("convert", missing.toString());
        assertEquals(1, r.exit(), r.describe());
        assertEquals("ssam convert: " + missing + ": weights file not found", r.err().strip());
    }

    @Test
    void defaultOutputSitsBesideTheInput() {
        assertEquals(Path.of("a/ckpt-9.safetensors"), ConvertCommand.defaultOutput(Path.of("a/ckpt-9.pth")));
        assertEquals(Path.of("tiny.safetensors"), ConvertCommand.defaultOutput(Path.of("tiny.safetensors.index.json")));
    }
}
