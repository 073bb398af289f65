package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.io.FileFormatException;
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
import java.util.Arrays;
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
 * one tensor {@code embeddings (N, dim)}, and beside it {@code <split>.timestamps.safetensors} for
 * event tasks: {@code frames (sumT, width)} (every clip's frames, clip after clip), {@code times
 * (sumT)} (milliseconds) and {@code offsets (N + 1)} (clip {@code i} owns rows
 * {@code [offsets[i], offsets[i + 1])}; float32 holding exact integers, since safetensors here is
 * written as F32 only). Both carry the metadata {@code extractor_key} (the full key),
 * {@code files} (the clip names in order) and {@code audio} (SHA-256 over each clip's name, size
 * and modification time). An entry is used only when all three match and its shapes are
 * consistent with the split; otherwise (a corrupt file included) it is a miss, recomputed and
 * overwritten. Writes are atomic ({@link Safetensors#write}).
 *
 * <pre>{@code
 * EmbeddingCache cache = new EmbeddingCache(Path.of(".ssam-cache/embeddings"));
 * Optional<Tensor> hit = cache.load(fx, task, "fold00");
 * Optional<List<FeatureExtractor.Timestamps>> frames = cache.loadTimestamps(fx, task, "fold00");
 * }</pre>
 */
public final class EmbeddingCache {
    private static final String TENSOR = "embeddings";
    private static final String FRAMES = "frames";
    private static final String TIMES = "times";
    private static final String OFFSETS = "offsets";
    /** Largest frame count whose offsets float32 holds exactly (2^24). */
    static final int MAX_FRAMES = 1 << 24;

    private final Path dir;

    public EmbeddingCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The cache file of the scene embeddings of (extractor, task, split). */
    public Path file(FeatureExtractor fx, HearTask task, String split) {
        String taskDir = task.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                + sha256(task.dir().toAbsolutePath().normalize().toString()).substring(0, 12);
        return dir.resolve(sha256(fx.cacheKey()).substring(0, 16)).resolve(taskDir).resolve(split + ".safetensors");
    }

    /** The cache file of the timestamp embeddings of (extractor, task, split), beside {@link #file}. */
    public Path timestampsFile(FeatureExtractor fx, HearTask task, String split) {
        return file(fx, task, split).resolveSibling(split + ".timestamps.safetensors");
    }

    /** The cached {@code (N, dim)} embeddings, when present and still matching the extractor and the audio. */
    public Optional<Tensor> load(FeatureExtractor fx, HearTask task, String split) throws IOException {
        Optional<List<Tensor>> read = read(file(fx, task, split), fx, task, split, TENSOR);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        Tensor t = read.get().getFirst(); // (N, dim)
        if (t.rank() != 2 || t.dim(0) != task.clips(split).size() || t.dim(1) != fx.dim()) {
            return Optional.empty();
        }
        return Optional.of(t);
    }

    /** Stores {@code embeddings (N, dim)} of the split. */
    public void store(FeatureExtractor fx, HearTask task, String split, Tensor embeddings) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(TENSOR, embeddings);
        Safetensors.write(file(fx, task, split), tensors, metadata(fx, task, split));
    }

    /**
     * The cached timestamp embeddings of the split, one per clip in split-file order, when present,
     * still matching the extractor and the audio, and consistent: offsets exact integers from 0 to
     * {@code sumT}, each clip at least one frame, {@code N} clips, {@code times} as long as {@code frames}.
     */
    public Optional<List<FeatureExtractor.Timestamps>> loadTimestamps(FeatureExtractor fx, HearTask task, String split)
            throws IOException {
        Optional<List<Tensor>> read = read(timestampsFile(fx, task, split), fx, task, split, FRAMES, TIMES, OFFSETS);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        Tensor frames = read.get().get(0); // (sumT, width)
        Tensor times = read.get().get(1); // (sumT)
        Tensor offsets = read.get().get(2); // (N + 1)
        int n = task.clips(split).size();
        if (frames.rank() != 2 || frames.dim(1) < 1 || times.rank() != 1 || times.dim(0) != frames.dim(0)
                || offsets.rank() != 1 || offsets.dim(0) != n + 1) {
            return Optional.empty();
        }
        int[] rows = clipRows(offsets, frames.dim(0));
        if (rows == null) {
            return Optional.empty();
        }
        List<FeatureExtractor.Timestamps> out = new ArrayList<>(n);
        float[] t = times.data();
        for (int i = 0; i < n; i++) {
            out.add(new FeatureExtractor.Timestamps(frames.slice0(rows[i], rows[i + 1]).copy(),
                    Arrays.copyOfRange(t, times.offset() + rows[i], times.offset() + rows[i + 1])));
        }
        return Optional.of(out);
    }

    /**
     * Stores the timestamp embeddings of the split, one per clip in split-file order; every clip's
     * frames must have the same width, and the split at most {@value #MAX_FRAMES} frames in all.
     */
    public void storeTimestamps(FeatureExtractor fx, HearTask task, String split, List<FeatureExtractor.Timestamps> timestamps)
            throws IOException {
        int n = task.clips(split).size();
        if (timestamps.size() != n) {
            throw new IllegalArgumentException("storeTimestamps: " + timestamps.size() + " clips for split '" + split
                    + "' of " + n + " clips");
        }
        int width = timestamps.isEmpty() ? 1 : timestamps.getFirst().frames().dim(1);
        Tensor offsets = Tensor.zeros(n + 1); // (N + 1)
        long sum = 0;
        for (int i = 0; i < n; i++) {
            Tensor f = timestamps.get(i).frames(); // (T_i, width)
            if (f.dim(1) != width) {
                throw new IllegalArgumentException("storeTimestamps: clip " + i + " of split '" + split + "' has frames "
                        + f.shapeString() + ", expected width " + width + " like clip 0");
            }
            sum += f.dim(0);
            if (sum > MAX_FRAMES) {
                throw new IllegalArgumentException("storeTimestamps: split '" + split + "' has more than " + MAX_FRAMES
                        + " frames, which float32 offsets cannot hold exactly");
            }
            offsets.data()[i + 1] = sum;
        }
        int total = (int) sum;
        Tensor frames = Tensor.zeros(total, width); // (sumT, width)
        Tensor times = Tensor.zeros(total); // (sumT)
        for (int i = 0; i < n; i++) {
            FeatureExtractor.Timestamps ts = timestamps.get(i);
            int row = (int) offsets.data()[i];
            frames.slice0(row, row + ts.frames().dim(0)).copyFrom(ts.frames());
            System.arraycopy(ts.timesMs(), 0, times.data(), row, ts.timesMs().length);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(FRAMES, frames);
        tensors.put(TIMES, times);
        tensors.put(OFFSETS, offsets);
        Safetensors.write(timestampsFile(fx, task, split), tensors, metadata(fx, task, split));
    }

    /**
     * The offsets as ints when they are exact integers rising strictly from 0 to {@code frames}
     * (every clip has at least one frame); null otherwise.
     */
    private static int[] clipRows(Tensor offsets, int frames) {
        int[] rows = new int[offsets.size()];
        float[] o = offsets.data();
        for (int i = 0; i < rows.length; i++) {
            float v = o[offsets.offset() + i];
            if (!(v >= 0 && v <= frames) || v != (int) v || (i > 0 && (int) v <= rows[i - 1])) {
                return null;
            }
            rows[i] = (int) v;
        }
        return rows[0] == 0 && rows[rows.length - 1] == frames ? rows : null;
    }

    /**
     * The named tensors of {@code f} when it exists, parses, carries the metadata of (fx, task,
     * split) and holds every name; empty otherwise.
     */
    private static Optional<List<Tensor>> read(Path f, FeatureExtractor fx, HearTask task, String split, String... names)
            throws IOException {
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Map<String, String> expected = metadata(fx, task, split);
        try (Safetensors st = Safetensors.open(f)) {
            if (!expected.equals(st.metadata())) {
                return Optional.empty();
            }
            List<Tensor> out = new ArrayList<>(names.length);
            for (String name : names) {
                if (!st.contains(name)) {
                    return Optional.empty();
                }
                out.add(st.tensor(name));
            }
            return Optional.of(out);
        } catch (FileFormatException | IllegalArgumentException e) {
            // truncated, corrupt, or a tensor of a non-float dtype: a miss, recomputed and overwritten
            return Optional.empty();
        }
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
