package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.io.Json;
import dev.ssam.runtime.io.Safetensors;
import dev.ssam.tasks.hear.HearTask;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Embeddings of one split of one task by one {@link FeatureExtractor}, kept on disk so a second
 * evaluation (another probe, more seeds) skips the encoder.
 *
 * <p>Layout: {@code <dir>/<sha256(extractor key)[0..16]>/<task name>-<sha256(task folder)[0..12]>/<split>.safetensors},
 * one tensor {@code embeddings (N, dim)}, with metadata {@code extractor_key} (the full key),
 * {@code files} (the clip names in order) and {@code audio} (SHA-256 over each clip's name, size
 * and modification time). An entry is used only when all three match; otherwise it is
 * recomputed and overwritten. Writes are atomic ({@link Safetensors#write}).
 *
 * <pre>{@code
 * EmbeddingCache cache = new EmbeddingCache(Path.of(".ssam-cache/embeddings"));
 * Optional<Tensor> hit = cache.load(fx, task, "fold00");
 * }</pre>
 */
public final class EmbeddingCache {
    private static final String TENSOR = "embeddings";

    private final Path dir;

    public EmbeddingCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The cache file of (extractor, task, split). */
    public Path file(FeatureExtractor fx, HearTask task, String split) {
        String taskDir = task.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                + sha256(task.dir().toAbsolutePath().normalize().toString()).substring(0, 12);
        return dir.resolve(sha256(fx.cacheKey()).substring(0, 16)).resolve(taskDir).resolve(split + ".safetensors");
    }

    /** The cached {@code (N, dim)} embeddings, when present and still matching the extractor and the audio. */
    public Optional<Tensor> load(FeatureExtractor fx, HearTask task, String split) throws IOException {
        Path f = file(fx, task, split);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Map<String, String> expected = metadata(fx, task, split);
        try (Safetensors st = Safetensors.open(f)) {
            if (!expected.equals(st.metadata()) || !st.contains(TENSOR)) {
                return Optional.empty();
            }
            Tensor t = st.tensor(TENSOR);
            if (t.rank() != 2 || t.dim(0) != task.clips(split).size() || t.dim(1) != fx.dim()) {
                return Optional.empty();
            }
            return Optional.of(t.copy());
        } catch (dev.ssam.runtime.io.FileFormatException e) {
            return Optional.empty();
        }
    }

    /** Stores {@code embeddings (N, dim)} of the split. */
    public void store(FeatureExtractor fx, HearTask task, String split, Tensor embeddings) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(TENSOR, embeddings);
        Safetensors.write(file(fx, task, split), tensors, metadata(fx, task, split));
    }

    private static Map<String, String> metadata(FeatureExtractor fx, HearTask task, String split) throws IOException {
        List<String> files = new ArrayList<>();
        StringBuilder audio = new StringBuilder();
        for (HearTask.Clip c : task.clips(split)) {
            files.add(c.file());
            BasicFileAttributes a = Files.readAttributes(c.audio(), BasicFileAttributes.class);
            audio.append(c.file()).append('\0').append(a.size()).append('\0').append(a.lastModifiedTime().toMillis()).append('\n');
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("extractor_key", fx.cacheKey());
        m.put("files", Json.write(files));
        m.put("audio", sha256(audio.toString()));
        return m;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
