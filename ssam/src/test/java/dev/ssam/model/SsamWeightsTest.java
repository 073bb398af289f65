package dev.ssam.model;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class SsamWeightsTest {
    @TempDir
    Path tmp;

    private Path micro() {
        return GoldenFiles.resource(getClass(), "micro.safetensors");
    }

    private static Map<String, Tensor> read(Path file, String prefix) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Safetensors st = Safetensors.open(file)) {
            for (String n : st.names()) {
                if (n.startsWith(prefix)) {
                    out.put(n.substring(prefix.length()), st.tensor(n));
                }
            }
        }
        return out;
    }

    private static void assertSameWeights(Map<String, Tensor> expected, SsamParams actual) {
        Map<String, Tensor> named = actual.named();
        assertEquals(expected.keySet(), named.keySet());
        expected.forEach((name, t) -> TensorCompare.assertBitwiseEqual(name, t, named.get(name)));
    }

    @Test
    void loadsMicroSafetensorsWithInferredConfig() throws Exception {
        SsamParams p = SsamWeights.load(micro());
        assertEquals(SsamConfig.micro(), p.config());
        assertSameWeights(read(micro(), ""), p);
    }

    @Test
    void loadsTinyShardedIndexWithInferredConfig() throws Exception {
        Optional<Path> index = GoldenFiles.file("tiny.safetensors.index.json");
        if (index.isEmpty()) {
            if (GoldenFiles.inCi()) {
                fail("CI=true but shared/golden/tiny.safetensors.index.json is missing");
            }
            System.out.println("SsamWeightsTest: skipping the tiny shards: shared/golden/tiny.safetensors.index.json not found");
            Assumptions.abort("shared/golden/tiny.safetensors.index.json not found");
        }
        SsamParams p = SsamWeights.load(index.get());
        assertEquals(SsamConfig.tiny(), p.config());
        assertSameWeights(read(index.get(), ""), p);
    }

    @Test
    void loadsOfficialPthCheckpointEqualToTrainedParams() throws Exception {
        SsamParams p = SsamWeights.load(GoldenFiles.resource(getClass(), "micro-checkpoint-4.pth"));
        assertEquals(SsamConfig.micro(), p.config());
        assertSameWeights(read(GoldenFiles.resource(getClass(), "micro_adamw.safetensors"), "param."), p);
    }

    @Test
    void saveThenLoadIsBitwiseAndKeepsTheConfig() throws Exception {
        SsamConfig custom = new SsamConfig(32, 2, 8, 3, 2, 4, 4, 16, 200, 80, 1e-5, 0.75);
        SsamParams p = SsamWeights.load(micro(), custom);
        Path out = tmp.resolve("copy.safetensors");
        SsamWeights.save(out, p);
        try (Safetensors st = Safetensors.open(out)) {
            assertEquals(custom.toJson(), st.metadata().get(SsamWeights.CONFIG_METADATA_KEY));
            assertEquals(ParamNames.table(custom).keySet(), st.names());
        }
        SsamParams back = SsamWeights.load(out);
        assertEquals(custom, back.config());
        assertSameWeights(p.named(), back);
        TensorCompare.assertBitwiseEqual("flat", p.flat(), back.flat());
    }

    @Test
    void widensHalfAndBfloat16() throws Exception {
        Map<String, Tensor> named = read(micro(), "");
        byte[] half = new byte[2 * 96];
        byte[] bf16 = new byte[2 * 96];
        ByteBuffer hb = ByteBuffer.wrap(half).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bb = ByteBuffer.wrap(bf16).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 96; k++) {
            hb.putShort(Float.floatToFloat16(0.25f * k));
            bb.putShort((short) (Float.floatToRawIntBits(-0.5f * k) >>> 16));
        }
        Path f = tmp.resolve("mixed.safetensors");
        SafetensorsFixture.of(named).dtype("blocks.0.mixer.D", "F16", new int[] {96}, half)
                .dtype("blocks.1.mixer.D", "BF16", new int[] {96}, bf16).write(f);
        SsamParams p = SsamWeights.load(f);
        for (int k = 0; k < 96; k++) {
            assertEquals(0.25f * k, p.blocks().get(0).d().get(k));
            assertEquals(-0.5f * k, p.blocks().get(1).d().get(k));
        }
    }

    @Test
    void rejectsMissingTensorNamingTensorAndFile() throws Exception {
        Path f = tmp.resolve("missing.safetensors");
        SafetensorsFixture.of(read(micro(), "")).remove("blocks.1.mixer.D").write(f);
        assertProblem(f, "missing tensor 'blocks.1.mixer.D' (expected shape [96])");
    }

    @Test
    void rejectsExtraTensorNamingTensorAndFile() throws Exception {
        Path f = tmp.resolve("extra.safetensors");
        SafetensorsFixture.of(read(micro(), "")).f32("decoder.weight", Tensor.zeros(3, 3)).write(f);
        assertProblem(f, "unexpected tensor 'decoder.weight'");
    }

    @Test
    void rejectsWrongShapeNamingTensorAndFile() throws Exception {
        Path f = tmp.resolve("shape.safetensors");
        SafetensorsFixture.of(read(micro(), "")).f32("blocks.1.mixer.A_log", Tensor.zeros(96, 9)).write(f);
        assertProblem(f, "tensor 'blocks.1.mixer.A_log' has shape [96, 9], expected [96, 8]");
    }

    @Test
    void rejectsIntegerDtypeNamingTensorAndFile() throws Exception {
        Path f = tmp.resolve("int.safetensors");
        SafetensorsFixture.of(read(micro(), "")).dtype("blocks.0.norm.bias", "I64", new int[] {32}, new byte[8 * 32]).write(f);
        assertProblem(f, "tensor 'blocks.0.norm.bias' has dtype I64, expected F32");
    }

    @Test
    void rejectsTruncatedFileNamingTensorAndFile() throws Exception {
        Path f = tmp.resolve("truncated.safetensors");
        SsamWeights.save(f, SsamWeights.load(micro()));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        assertProblem(f, "tensor 'blocks.1.norm.bias'");
        assertProblem(f, "truncated");
    }

    @Test
    void rejectsCorruptHeaderNamingTheFile() throws Exception {
        Path f = tmp.resolve("corrupt.safetensors");
        SafetensorsFixture fx = SafetensorsFixture.of(read(micro(), ""));
        String header = fx.header();
        int colon = header.indexOf(':', 100);
        fx.write(f, header.substring(0, colon) + "#" + header.substring(colon + 1));
        assertProblem(f, "corrupt safetensors header");
    }

    @Test
    void rejectsMalformedHeaderEntryNamingTensorAndFile() throws Exception {
        Path f = tmp.resolve("entry.safetensors");
        SafetensorsFixture fx = SafetensorsFixture.of(read(micro(), ""));
        fx.write(f, fx.header().replaceFirst("\"pos_embed\":\\{\"dtype\":\"F32\",\"shape\":\\[1,251,32\\],\"data_offsets\"",
                "\"pos_embed\":{\"dtype\":\"F32\",\"shape\":[1,251,32],\"offsets\""));
        assertProblem(f, "tensor 'pos_embed': header entry lacks shape or data_offsets");
    }

    @Test
    void loadsShardsAndRejectsAnIndexPointingToAMissingShard() throws Exception {
        Path index = SafetensorsFixture.writeSharded(tmp, read(micro(), ""), 2);
        assertEquals(SsamConfig.micro(), SsamWeights.load(index).config());
        Files.delete(tmp.resolve("m-00002-of-00002.safetensors"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> SsamWeights.load(index));
        assertTrue(e.getMessage().startsWith(index + ": shard 'm-00002-of-00002.safetensors' does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("should hold tensor '"), e.getMessage());
    }

    @Test
    void namesTheShardOfAMisshapenTensor() throws Exception {
        Map<String, Tensor> named = read(micro(), "");
        named.put("blocks.1.mixer.out_proj.weight", Tensor.zeros(96, 32));
        Path index = SafetensorsFixture.writeSharded(tmp, named, 2);
        assertProblem(index, "tensor 'blocks.1.mixer.out_proj.weight' in m-00002-of-00002.safetensors has shape [96, 32], expected [32, 96]");
    }

    @Test
    void rejectsWeightsOfAnotherSize() throws Exception {
        FileFormatException e = assertThrows(FileFormatException.class, () -> SsamWeights.load(micro(), SsamConfig.nano()));
        assertTrue(e.getMessage().contains("tensor 'cls_token' has shape [1, 1, 32], expected [1, 1, 64]"), e.getMessage());
        assertTrue(e.getMessage().contains("more problems [checked against SSAM config nano: D 64"), e.getMessage());
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> SsamWeights.load(tmp.resolve("absent.safetensors")));
    }

    private static void assertProblem(Path file, String fragment) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> SsamWeights.load(file));
        assertTrue(e.getMessage().contains(file.getFileName().toString()), "message lacks the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
