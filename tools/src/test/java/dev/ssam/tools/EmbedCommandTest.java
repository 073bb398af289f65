package dev.ssam.tools;

import dev.ssam.model.ClipEmbedding;
import dev.ssam.model.SsamEmbedder;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.io.Json;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ssam embed} on generated WAVs with the golden micro model. */
class EmbedCommandTest {
    private static Path model;
    private static SsamParams params;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadModel() throws IOException {
        model = GoldenFiles.resource(EmbedCommandTest.class, "micro.safetensors");
        params = SsamWeights.load(model);
    }

    private static Backend backend(String device) {
        return device.equals("ref") ? Backend.ref() : Backend.cpu(1);
    }

    /** With --batch 1 each file is one encoder call; with 16 both files (1 + 2 windows) share one. */
    @ParameterizedTest(name = "{0}, --batch {1}")
    @CsvSource({"ref, 1", "cpu, 1", "ref, 16", "cpu, 16"})
    void npyOutputsEqualTheEmbedderElementByElement(String device, String batch) throws IOException {
        Path data = tmp.resolve("data");
        Path a = TestAudio.wav(data.resolve("a.wav"), 1, 1.3);
        Path b = TestAudio.wav(data.resolve("sub/b.wav"), 2, 2.5, 22_050, WavEncoding.FLOAT32);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("embed", "--model", model.toString(), "--device", device, "--threads", "1", "--batch", batch,
                "--out", out.toString(), data.toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("[1/2] ") && r.out().contains("[2/2] ") && r.out().contains("clips/s"), r.describe());
        assertEquals("", r.err(), r.describe());
        try (Backend be = backend(device)) {
            SsamEmbedder embedder = new SsamEmbedder(params, be);
            for (Object[] c : new Object[][] {{a, "a"}, {b, "sub/b"}}) {
                ClipEmbedding e = embedder.embed((Path) c[0]);
                Path base = out.resolve((String) c[1]);
                TensorCompare.assertBitwiseEqual(c[1] + " scene", e.scene(), NpyFile.read(sibling(base, ".scene.npy")));
                TensorCompare.assertBitwiseEqual(c[1] + " timestamp_embeddings", e.timestamps(),
                        NpyFile.read(sibling(base, ".timestamp_embeddings.npy")));
                TensorCompare.assertBitwiseEqual(c[1] + " timestamps", Tensor.of(e.timesMs(), e.frames()),
                        NpyFile.read(sibling(base, ".timestamps.npy")));
            }
        }
        List<Map<String, Object>> manifest = manifest(out);
        assertEquals(2, manifest.size());
        assertEquals(a.toString(), manifest.get(0).get("input"));
        assertEquals("ok", manifest.get(0).get("status"));
        assertEquals(List.of("a.scene.npy", "a.timestamp_embeddings.npy", "a.timestamps.npy"), manifest.get(0).get("outputs"));
        assertEquals(1300.0, ((Number) manifest.get(0).get("duration_ms")).doubleValue(), 1e-9);
        assertEquals(b.toString(), manifest.get(1).get("input"));
        assertEquals(List.of("sub/b.scene.npy", "sub/b.timestamp_embeddings.npy", "sub/b.timestamps.npy"),
                manifest.get(1).get("outputs"));
    }

    @Test
    void folderRecursionKeepsSubfoldersAndSeparatesSameNames() throws IOException {
        Path data = tmp.resolve("data");
        TestAudio.wav(data.resolve("a.wav"), 1, 1.0);
        TestAudio.wav(data.resolve("x/a.wav"), 2, 1.0);
        TestAudio.wav(data.resolve("y/deeper/C.WAV"), 3, 1.0);
        Files.writeString(data.resolve("x/notes.txt"), "not audio");
        Path other = TestAudio.wav(tmp.resolve("other/a.wav"), 4, 1.0);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("embed", "-m", model.toString(), "--device", "ref", "--what", "scene", "-o", out.toString(),
                data.toString(), other.toString(), data.resolve("a.wav").toString());
        assertEquals(0, r.exit(), r.describe());
        List<Map<String, Object>> manifest = manifest(out);
        List<Object> outputs = new ArrayList<>();
        for (Map<String, Object> line : manifest) {
            outputs.add(line.get("outputs"));
        }
        assertEquals(List.of(List.of("a.scene.npy"), List.of("x/a.scene.npy"), List.of("y/deeper/C.scene.npy"),
                List.of("a-2.scene.npy")), outputs);
        assertEquals(other.toString(), manifest.get(3).get("input"));
        assertTrue(Files.isRegularFile(out.resolve("a-2.scene.npy")));
        assertFalse(Files.exists(out.resolve("a.timestamps.npy")), "--what scene writes no timestamps");
    }

    /**
     * Failures between batches: with --batch 1 every good file is an encoder call of its own, so the
     * failed files are recorded between calls; outputs, messages, progress and manifest keep the
     * input order.
     */
    @Test
    void failuresBetweenBatchesKeepTheInputOrder() throws IOException {
        Path data = tmp.resolve("data");
        TestAudio.wav(data.resolve("1-good.wav"), 1, 1.0);
        Path bad = TestAudio.corruptWav(data.resolve("2-bad.wav"));
        TestAudio.wav(data.resolve("3-good.wav"), 3, 2.5);
        Path tooShort = TestAudio.wav(data.resolve("4-short.wav"), 4, 0.004);
        TestAudio.wav(data.resolve("5-good.wav"), 5, 0.5);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("embed", "-m", model.toString(), "--device", "cpu", "--threads", "1", "--batch", "1",
                "-o", out.toString(), data.toString());
        assertEquals(1, r.exit(), r.describe());
        String[] errors = r.err().strip().split("\n");
        assertEquals(2, errors.length, r.describe());
        assertTrue(errors[0].startsWith("ssam embed: " + bad + ": "), r.describe());
        assertTrue(errors[1].startsWith("ssam embed: " + tooShort + ": ") && errors[1].contains("ms long"),
                r.describe());
        List<String> progress = r.out().lines().filter(l -> l.startsWith("[")).toList();
        assertEquals(3, progress.size(), r.describe());
        assertTrue(progress.get(0).startsWith("[1/5] ") && progress.get(0).contains("1-good.wav"), r.describe());
        assertTrue(progress.get(1).startsWith("[3/5] ") && progress.get(1).contains("3-good.wav"), r.describe());
        assertTrue(progress.get(2).startsWith("[5/5] ") && progress.get(2).contains("5-good.wav"), r.describe());
        List<Map<String, Object>> manifest = manifest(out);
        assertEquals(List.of("ok", "error", "ok", "error", "ok"), manifest.stream().map(m -> m.get("status")).toList());
        for (String name : new String[] {"1-good", "3-good", "5-good"}) {
            assertTrue(Files.isRegularFile(out.resolve(name + ".scene.npy")), name);
        }
    }

    @Test
    void corruptWavIsReportedAndTheOthersAreWritten() throws IOException {
        Path data = tmp.resolve("data");
        TestAudio.wav(data.resolve("1-good.wav"), 1, 1.0);
        Path bad = TestAudio.corruptWav(data.resolve("2-bad.wav"));
        Path tooShort = TestAudio.wav(data.resolve("3-short.wav"), 3, 0.004);
        TestAudio.wav(data.resolve("4-good.wav"), 4, 1.0);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("embed", "-m", model.toString(), "--device", "ref", "-q", "-o", out.toString(), data.toString());
        assertEquals(1, r.exit(), r.describe());
        assertEquals("", r.out(), "--quiet prints nothing on stdout");
        String[] errors = r.err().strip().split("\n");
        assertEquals(2, errors.length, r.describe());
        assertTrue(errors[0].startsWith("ssam embed: " + bad + ": "), r.describe());
        assertTrue(errors[1].startsWith("ssam embed: " + tooShort + ": "), r.describe());
        assertNoStackTrace(r);
        assertTrue(Files.isRegularFile(out.resolve("1-good.scene.npy")));
        assertTrue(Files.isRegularFile(out.resolve("4-good.timestamp_embeddings.npy")));
        assertFalse(Files.exists(out.resolve("2-bad.scene.npy")));
        List<Map<String, Object>> manifest = manifest(out);
        assertEquals(List.of("ok", "error", "error", "ok"), manifest.stream().map(m -> m.get("status")).toList());
        assertEquals(errors[0].substring("ssam embed: ".length()), manifest.get(1).get("error"));
    }

    @Test
    void safetensorsOutputHoldsTheThreeArraysAndProvenance() throws IOException {
        Path a = TestAudio.wav(tmp.resolve("clip.wav"), 5, 2.2);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("embed", "-m", model.toString(), "--device", "ref", "--format", "safetensors", "-q",
                "-o", out.toString(), a.toString());
        assertEquals(0, r.exit(), r.describe());
        ClipEmbedding e = new SsamEmbedder(params, Backend.ref()).embed(a);
        try (Safetensors st = Safetensors.open(out.resolve("clip.safetensors"))) {
            assertEquals(List.of("scene", "timestamp_embeddings", "timestamps"), List.copyOf(st.names()));
            TensorCompare.assertBitwiseEqual("scene", e.scene(), st.tensor("scene"));
            TensorCompare.assertBitwiseEqual("timestamp_embeddings", e.timestamps(), st.tensor("timestamp_embeddings"));
            TensorCompare.assertBitwiseEqual("timestamps", Tensor.of(e.timesMs(), e.frames()), st.tensor("timestamps"));
            assertEquals(a.toString(), st.metadata().get("source"));
            assertEquals(model.toString(), st.metadata().get("model"));
            assertEquals(params.config().toJson(), st.metadata().get("ssam_config"));
        }
    }

    @Test
    void csvOutputHasHeadersAndExactValues() throws IOException {
        Path a = TestAudio.wav(tmp.resolve("clip.wav"), 6, 1.1);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("embed", "-m", model.toString(), "--device", "ref", "--format", "csv", "-q",
                "-o", out.toString(), a.toString());
        assertEquals(0, r.exit(), r.describe());
        ClipEmbedding e = new SsamEmbedder(params, Backend.ref()).embed(a);
        int dim = params.config().featureDim();
        List<String> scene = Files.readAllLines(out.resolve("clip.scene.csv"));
        assertEquals(2, scene.size());
        assertEquals("e0,e1,", scene.get(0).substring(0, 6));
        assertEquals(dim, scene.get(0).split(",").length);
        TensorCompare.assertBitwiseEqual("scene.csv", e.scene(), parseRow(scene.get(1), 0, dim));
        List<String> ts = Files.readAllLines(out.resolve("clip.timestamps.csv"));
        assertEquals(1 + e.frames(), ts.size());
        assertTrue(ts.get(0).startsWith("time_ms,e0,"), ts.get(0));
        for (int i = 0; i < e.frames(); i++) {
            Tensor row = parseRow(ts.get(1 + i), 0, dim + 1);
            assertEquals(e.timesMs()[i], row.data()[0]);
            TensorCompare.assertBitwiseEqual("timestamps.csv row " + i, e.timestamps().slice0(i, i + 1).reshape(dim),
                    Tensor.view(row.data(), 1, dim));
        }
    }

    @Test
    void missingModelIsACleanError() throws IOException {
        Path a = TestAudio.wav(tmp.resolve("clip.wav"), 7, 1.0);
        Path missing = tmp.resolve("nope.safetensors");
        CliRun r = CliRun.of("embed", "-m", missing.toString(), "-o", tmp.resolve("out").toString(), a.toString());
        assertEquals(1, r.exit(), r.describe());
        assertEquals("ssam embed: " + missing + ": weights file not found", r.err().strip());
        assertNoStackTrace(r);
    }

    @Test
    void corruptModelIsACleanErrorNamingTheFile() throws IOException {
        Path a = TestAudio.wav(tmp.resolve("clip.wav"), 7, 1.0);
        Path junk = tmp.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        CliRun r = CliRun.of("embed", "-m", junk.toString(), "-o", tmp.resolve("out").toString(), a.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().startsWith("ssam embed: ") && r.err().contains("junk.safetensors"), r.describe());
        assertNoStackTrace(r);
    }

    @Test
    void missingInputIsACleanErrorBeforeAnyWork() {
        Path missing = tmp.resolve("absent.wav");
        CliRun r = CliRun.of("embed", "-m", model.toString(), "-o", tmp.resolve("out").toString(), missing.toString());
        assertEquals(1, r.exit(), r.describe());
        assertEquals("ssam embed: " + missing + ": no such file or folder", r.err().strip());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void folderWithoutWavFilesIsAnError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of("embed", "-m", model.toString(), empty.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().startsWith("ssam embed: no .wav files found"), r.describe());
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        Path a = TestAudio.wav(tmp.resolve("clip.wav"), 8, 1.0);
        assertEquals(2, CliRun.of("embed", a.toString()).exit(), "--model is required");
        assertEquals(2, CliRun.of("embed", "-m", model.toString()).exit(), "an INPUT is required");
        assertEquals(2, CliRun.of("embed", "-m", model.toString(), "--format", "wav", a.toString()).exit());
        CliRun batch = CliRun.of("embed", "-m", model.toString(), "--batch", "0", a.toString());
        assertEquals(2, batch.exit(), batch.describe());
        assertTrue(batch.err().contains("--batch is 0, expected at least 1"), batch.describe());
    }

    private static Path sibling(Path base, String suffix) {
        return base.resolveSibling(base.getFileName() + suffix);
    }

    private static void assertNoStackTrace(CliRun r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.describe());
    }

    private static Tensor parseRow(String line, int from, int count) {
        String[] cells = line.split(",");
        assertEquals(from + count, cells.length, line);
        float[] v = new float[count];
        for (int j = 0; j < count; j++) {
            v[j] = Float.parseFloat(cells[from + j]);
        }
        return Tensor.of(v, count);
    }

    private static List<Map<String, Object>> manifest(Path out) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(Manifest.FILE_NAME))) {
            lines.add(Json.parseObject(line));
        }
        return lines;
    }
}
