package dev.ssam.tools;

import dev.ssam.runtime.io.Json;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.jsonl} of an {@code ssam embed} run: one JSON object per input, in processing
 * order, flushed as each input finishes (an interrupted run keeps the lines written so far).
 *
 * <pre>{@code
 * {"input":"data/cats/x.wav","status":"ok","outputs":["cats/x.scene.npy", ...],"duration_ms":2000.0,"frames":50}
 * {"input":"data/bad.wav","status":"error","error":"data/bad.wav: not a RIFF/WAVE file ..."}
 * }</pre>
 * Output paths are relative to the manifest's folder ({@code --out}), {@code /}-separated; input
 * paths are as the command line spelled them.
 */
final class Manifest implements Closeable {
    /** The manifest's file name inside {@code --out}. */
    static final String FILE_NAME = "manifest.jsonl";

    private final Path dir;
    private final BufferedWriter out;

    private Manifest(Path dir, BufferedWriter out) {
        this.dir = dir;
        this.out = out;
    }

    /** Creates (or truncates) {@code dir/manifest.jsonl}, creating {@code dir} if needed. */
    static Manifest create(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new Manifest(dir, Files.newBufferedWriter(dir.resolve(FILE_NAME), StandardCharsets.UTF_8));
    }

    /** The manifest file. */
    Path file() {
        return dir.resolve(FILE_NAME);
    }

    /** Records an embedded input. */
    void ok(Path input, List<Path> outputs, double durationMs, int frames) throws IOException {
        List<String> rel = new ArrayList<>(outputs.size());
        for (Path p : outputs) {
            rel.add(dir.toAbsolutePath().relativize(p.toAbsolutePath()).toString().replace(p.getFileSystem().getSeparator(), "/"));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("input", input.toString());
        line.put("status", "ok");
        line.put("outputs", rel);
        line.put("duration_ms", durationMs);
        line.put("frames", frames);
        append(line);
    }

    /** Records an input that failed, with the message printed for it. */
    void error(Path input, String message) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("input", input.toString());
        line.put("status", "error");
        line.put("error", message);
        append(line);
    }

    private void append(Map<String, Object> line) throws IOException {
        out.write(Json.write(line));
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
