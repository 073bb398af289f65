package dev.ssam.tasks.eval;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.io.Safetensors;
import dev.ssam.tasks.hear.EventTasks;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.probe.ProbeConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timestamp embeddings in the {@link EmbeddingCache}: round trip, every kind of miss, and an evaluation that reuses them. */
class EmbeddingCacheTest {
    @TempDir
    static Path tmp;
    static HearTask task;

    @BeforeAll
    static void buildTask() throws IOException {
        task = HearTask.open(EventTasks.synthetic(tmp.resolve("events"), 3, 1.0).dir());
    }

    /**
     * A deterministic extractor that counts the clips it embeds: timestamp rows of width 3 every
     * 40 ms, a clip's frame count following its loudness so lengths differ between clips.
     */
    private static final class Counting implements FeatureExtractor {
        private final String key;
        int clips;

        Counting(String key) {
            this.key = key;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public String description() {
            return "frames from sample statistics";
        }

        @Override
        public String cacheKey() {
            return key;
        }

        @Override
        public int dim() {
            return 4;
        }

        @Override
        public List<float[]> embed(List<float[]> pcm) {
            throw new UnsupportedOperationException("scene embeddings are not used here");
        }

        @Override
        public List<Timestamps> embedTimestamps(List<float[]> pcm) {
            List<Timestamps> out = new ArrayList<>(pcm.size());
            for (float[] x : pcm) {
                clips++;
                int hop = 640;
                int t = Math.max(1, x.length / hop - (int) (Math.abs(x[x.length / 2]) * 7));
                Tensor f = Tensor.zeros(t, 3); // (T, 3)
                float[] times = new float[t];
                for (int i = 0; i < t; i++) {
                    times[i] = 40f * i + 20f;
                    f.data()[i * 3] = x[i * hop];
                    f.data()[i * 3 + 1] = x[i * hop + hop / 2];
                    f.data()[i * 3 + 2] = i;
                }
                out.add(new Timestamps(f, times));
            }
            return out;
        }
    }

    /** Timestamps of {@code n} clips with lengths 1, 4, 7, ... and seeded values (NaN-free). */
    private static List<FeatureExtractor.Timestamps> random(int n, int width, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<FeatureExtractor.Timestamps> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int t = 1 + 3 * i;
            Tensor f = Tensor.zeros(t, width); // (T, width)
            for (int k = 0; k < f.size(); k++) {
                f.data()[k] = (float) r.nextGaussian();
            }
            float[] times = new float[t];
            for (int k = 0; k < t; k++) {
                times[k] = 12.5f + 40f * k + (float) r.nextDouble();
            }
            out.add(new FeatureExtractor.Timestamps(f, times));
        }
        return out;
    }

    private static void assertBitwiseEqual(List<FeatureExtractor.Timestamps> expected, List<FeatureExtractor.Timestamps> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            FeatureExtractor.Timestamps e = expected.get(i);
            FeatureExtractor.Timestamps a = actual.get(i);
            TensorCompare.assertBitwiseEqual("frames[" + i + "]", e.frames(), a.frames());
            TensorCompare.assertBitwiseEqual("times[" + i + "]", Tensor.of(e.timesMs(), e.timesMs().length),
                    Tensor.of(a.timesMs(), a.timesMs().length));
        }
    }

    /** A cache under {@code tmp/name} and the timestamps of one split of {@code t} stored in it for key {@code "k-" + name}. */
    private record Stored(EmbeddingCache cache, Counting fx, HearTask t, String split, List<FeatureExtractor.Timestamps> stored) {
        Optional<List<FeatureExtractor.Timestamps>> load() throws IOException {
            return cache.loadTimestamps(fx, t, split);
        }

        Path file() {
            return cache.timestampsFile(fx, t, split);
        }
    }

    private static Stored store(HearTask t, String name, int width, long seed) throws IOException {
        EmbeddingCache cache = new EmbeddingCache(tmp.resolve(name));
        Counting fx = new Counting("k-" + name);
        String split = t.splits().getFirst();
        assertEquals(Optional.empty(), cache.loadTimestamps(fx, t, split), "an empty cache misses");
        List<FeatureExtractor.Timestamps> ts = random(t.clips(split).size(), width, seed);
        cache.storeTimestamps(fx, t, split, ts);
        return new Stored(cache, fx, t, split, ts);
    }

    @Test
    void timestampsRoundTripBitwiseWithDifferentLengthsPerClip() throws IOException {
        Stored s = store(task, "round-trip", 5, 11);
        assertTrue(Files.isRegularFile(s.file()));
        assertEquals(Optional.empty(), s.cache().load(s.fx(), task, s.split()), "the scene entry is a separate file");
        assertBitwiseEqual(s.stored(), s.load().orElseThrow());
    }

    @Test
    void changedAudioIsAMiss() throws IOException {
        Stored s = store(HearTask.open(EventTasks.synthetic(tmp.resolve("events-touched"), 3, 1.0).dir()), "touched", 2, 12);
        assertTrue(s.load().isPresent());
        Files.setLastModifiedTime(s.t().clips(s.split()).getLast().audio(), FileTime.fromMillis(1_000_000L));
        assertEquals(Optional.empty(), s.load());
    }

    @Test
    void otherExtractorKeyIsAMiss() throws IOException {
        Stored s = store(task, "keys", 2, 13);
        assertTrue(s.load().isPresent());
        assertEquals(Optional.empty(), s.cache().loadTimestamps(new Counting("k-other"), task, s.split()));
    }

    @Test
    void metadataOfAnotherKeyIsAMiss() throws IOException {
        // the folder name holds a prefix of the key hash only; the full key in the metadata must match too
        Stored s = store(task, "meta", 2, 14);
        rewrite(s.file(), (tensors, meta) -> meta.put("extractor_key", "something else"));
        assertEquals(Optional.empty(), s.load());
    }

    @Test
    void truncatedOrCorruptFileIsAMiss() throws IOException {
        Stored s = store(task, "corrupt", 3, 15);
        byte[] whole = Files.readAllBytes(s.file());
        Files.write(s.file(), Arrays.copyOf(whole, whole.length - 9));
        assertEquals(Optional.empty(), s.load(), "truncated data");
        Files.write(s.file(), Arrays.copyOf(whole, 5));
        assertEquals(Optional.empty(), s.load(), "no header length");
        byte[] garbage = whole.clone();
        for (int i = 8; i < 40; i++) {
            garbage[i] = (byte) '#';
        }
        Files.write(s.file(), garbage);
        assertEquals(Optional.empty(), s.load(), "corrupt header");
    }

    @Test
    void inconsistentOffsetsAreAMiss() throws IOException {
        Stored s = store(task, "offsets", 3, 16);
        int n = task.clips(s.split()).size();
        Tensor good; // (N + 1)
        try (Safetensors st = Safetensors.open(s.file())) {
            good = st.tensor("offsets");
        }
        for (float[] bad : List.of(shifted(good, 1, 0.5f), shifted(good, 0, 1f), shifted(good, n, -1f),
                swapped(good), Arrays.copyOf(good.toArray(), n))) {
            rewrite(s.file(), (tensors, meta) -> tensors.put("offsets", Tensor.of(bad, bad.length)));
            assertEquals(Optional.empty(), s.load(), Arrays.toString(bad));
        }
        rewrite(s.file(), (tensors, meta) -> tensors.put("offsets", good));
        assertTrue(s.load().isPresent(), "the untouched offsets load");
    }

    /** Writes {@code f} again with its tensors and metadata as {@code edit} leaves them. */
    private static void rewrite(Path f, BiConsumer<Map<String, Tensor>, Map<String, String>> edit) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta;
        try (Safetensors st = Safetensors.open(f)) {
            for (String name : st.names()) {
                tensors.put(name, st.tensor(name));
            }
            meta = new LinkedHashMap<>(st.metadata());
        }
        edit.accept(tensors, meta);
        Safetensors.write(f, tensors, meta);
    }

    private static float[] shifted(Tensor offsets, int i, float by) {
        float[] o = offsets.toArray();
        o[i] += by;
        return o;
    }

    private static float[] swapped(Tensor offsets) {
        float[] o = offsets.toArray();
        float t = o[1];
        o[1] = o[2];
        o[2] = t;
        return o;
    }

    @Test
    void storeRejectsMismatchedClipCountAndWidths() {
        EmbeddingCache cache = new EmbeddingCache(tmp.resolve("reject"));
        Counting fx = new Counting("k-reject");
        String split = task.splits().getFirst();
        int n = task.clips(split).size();
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> cache.storeTimestamps(fx, task, split, random(n - 1, 2, 17)));
        assertTrue(few.getMessage().contains("storeTimestamps") && few.getMessage().contains(split), few.getMessage());
        List<FeatureExtractor.Timestamps> mixed = new ArrayList<>(random(n - 1, 2, 18));
        mixed.addAll(random(1, 3, 19));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> cache.storeTimestamps(fx, task, split, mixed));
        assertTrue(wide.getMessage().contains("width 2"), wide.getMessage());
    }

    @Test
    void secondEventEvaluationReadsTheCache() throws IOException {
        Path cacheDir = tmp.resolve("eval-cache");
        EvalConfig cfg = new EvalConfig(ProbeConfig.linear().withMaxEpochs(2), 1, 4, 0L, cacheDir);
        Counting fx = new Counting("k-eval");
        Evaluator ev = new Evaluator(Backend.ref(), cfg, null);
        TaskResult first = ev.compare(task, List.of(fx)).results().getFirst();
        assertEquals(task.size(), fx.clips);
        Map<String, List<FeatureExtractor.Timestamps>> fresh = TaskEmbedder.embedTimestamps(task, fx, null, 4, Backend.ref(),
                EvalListener.NONE);
        int computedSoFar = fx.clips;

        TaskResult second = new Evaluator(Backend.ref(), cfg, null).compare(task, List.of(fx)).results().getFirst();
        assertEquals(computedSoFar, fx.clips, "the second evaluation embeds nothing");
        assertArrayEquals(first.primary().perSeed(), second.primary().perSeed(), "same embeddings, same scores");

        int[] cached = new int[2];
        Map<String, List<FeatureExtractor.Timestamps>> again = TaskEmbedder.embedTimestamps(task, fx, new EmbeddingCache(cacheDir),
                4, Backend.ref(), new EvalListener() {
                    @Override
                    public void embedded(String system, String t, int done, int total, boolean fromCache) {
                        cached[fromCache ? 0 : 1]++;
                    }
                });
        assertEquals(task.splits().size(), cached[0]);
        assertEquals(0, cached[1]);
        assertEquals(computedSoFar, fx.clips);
        for (String s : task.splits()) {
            assertBitwiseEqual(fresh.get(s), again.get(s));
        }
    }
}
