package dev.ssam.runtime.io;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        float[] a = new float[2 * 3 * 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i) * 1e3f;
        }
        m.put("a.weight", Tensor.of(a, 2, 3, 4));
        m.put("b", Tensor.of(new float[] {Float.MIN_VALUE, -0f, 1.5f}, 3));
        m.put("scalar", Tensor.of(new float[] {7f}));
        return m;
    }

    @Test
    void writeThenReadIsBitwiseIdentical() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Safetensors.write(f, sample(), Map.of("config", "{\"d\":1}"));
        try (Safetensors st = Safetensors.open(f)) {
            assertEquals(sample().keySet(), st.names());
            assertEquals("{\"d\":1}", st.metadata().get("config"));
            for (Map.Entry<String, Tensor> e : sample().entrySet()) {
                TensorCompare.assertBitwiseEqual(e.getKey(), e.getValue(), st.tensor(e.getKey()));
            }
        }
    }

    @Test
    void writeLeavesNoTemporaryFiles() throws IOException {
        Safetensors.write(dir.resolve("w.safetensors"), sample(), Map.of());
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void readsShardedCheckpointThroughIndex() throws IOException {
        Map<String, Tensor> all = sample();
        Map<String, Tensor> first = new LinkedHashMap<>();
        Map<String, Tensor> second = new LinkedHashMap<>();
        first.put("a.weight", all.get("a.weight"));
        second.put("b", all.get("b"));
        second.put("scalar", all.get("scalar"));
        Safetensors.write(dir.resolve("m-1.safetensors"), first, Map.of());
        Safetensors.write(dir.resolve("m-2.safetensors"), second, Map.of());
        Files.writeString(dir.resolve("m.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"a.weight\":\"m-1.safetensors\",\"b\":\"m-2.safetensors\",\"scalar\":\"m-2.safetensors\"}}");
        try (Safetensors st = Safetensors.open(dir.resolve("m.safetensors.index.json"))) {
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                TensorCompare.assertBitwiseEqual(e.getKey(), e.getValue(), st.tensor(e.getKey()));
            }
        }
    }

    @Test
    void indexNamingMissingShardIsAnError() throws IOException {
        Files.writeString(dir.resolve("m.safetensors.index.json"), "{\"weight_map\":{\"a\":\"gone.safetensors\"}}");
        IOException e = assertThrows(IOException.class, () -> Safetensors.open(dir.resolve("m.safetensors.index.json")));
        assertTrue(e.getMessage().contains("gone.safetensors"), e.getMessage());
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> Safetensors.open(dir.resolve("absent.safetensors")));
    }

    @Test
    void truncatedDataIsRejectedNamingTheTensor() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Safetensors.write(f, sample(), Map.of());
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 10));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.open(f));
        assertTrue(e.getMessage().contains("tensor 'b'") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shortFileIsRejected() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.open(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void headerLengthPastEndIsRejected() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.open(f));
        assertTrue(e.getMessage().contains("header length 1000"), e.getMessage());
    }

    @Test
    void corruptHeaderJsonIsRejected() throws IOException {
        Path f = dir.resolve("w.safetensors");
        byte[] h = "{\"a\": {\"dtype\": ".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        Files.write(f, b.array());
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.open(f));
        assertTrue(e.getMessage().contains("corrupt safetensors header"), e.getMessage());
    }

    @Test
    void byteCountNotMatchingShapeIsRejected() throws IOException {
        Path f = dir.resolve("w.safetensors");
        byte[] h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        Files.write(f, b.array());
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.open(f));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("expected 12"), e.getMessage());
    }

    @Test
    void halfAndBfloat16AreWidened() throws IOException {
        Path f = dir.resolve("h.safetensors");
        float[] vals = {1f, -2.5f, 0.099975586f, 65504f};
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[8,16]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        for (float v : vals) {
            b.putShort(Float.floatToFloat16(v));
        }
        for (float v : vals) {
            b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        }
        Files.write(f, b.array());
        try (Safetensors st = Safetensors.open(f)) {
            float[] half = st.tensor("h").toArray();
            float[] bf = st.tensor("bf").toArray();
            for (int i = 0; i < vals.length; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(vals[i])), half[i]);
                assertEquals(Float.intBitsToFloat(Float.floatToRawIntBits(vals[i]) & 0xffff0000), bf[i]);
            }
        }
    }

    @Test
    void integerTensorIsNotReadAsFloat() throws IOException {
        Path f = dir.resolve("i.safetensors");
        byte[] h = "{\"step\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        Files.write(f, b.array());
        try (Safetensors st = Safetensors.open(f)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.tensor("step"));
            assertTrue(e.getMessage().contains("I64") && e.getMessage().contains("step"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> st.tensor("absent"));
        }
    }
}
