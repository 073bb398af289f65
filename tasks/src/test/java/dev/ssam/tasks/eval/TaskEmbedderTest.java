package dev.ssam.tasks.eval;

import dev.ssam.model.SsamEmbedder;
import dev.ssam.model.SsamWeights;
import dev.ssam.ops.audio.WavReader;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.hear.SyntheticTask;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskEmbedderTest {
    @TempDir
    static Path tmp;
    static HearTask task;

    @BeforeAll
    static void build() throws IOException {
        task = HearTask.open(SyntheticTask.build(tmp.resolve("t"), 5, 0.3).dir());
    }

    private static final class CacheHits implements EvalListener {
        int cached;
        int computed;

        @Override
        public void embedded(String system, String task, int done, int total, boolean fromCache) {
            if (fromCache) {
                cached++;
            } else {
                computed++;
            }
        }
    }

    @Test
    void microModelEmbeddingsMatchTheEmbedderAndAreCached() throws IOException {
        Path weights = GoldenFiles.resource(getClass(), "micro.safetensors");
        EmbeddingCache cache = new EmbeddingCache(tmp.resolve("cache"));
        try (Backend cpu = Backend.cpu(2)) {
            SsamFeatures fx = SsamFeatures.fromWeights(weights, cpu);
            CacheHits first = new CacheHits();
            Map<String, Tensor> e = TaskEmbedder.embed(task, fx, cache, 4, cpu, first);
            assertEquals(5, e.size());
            assertEquals(List.of(10, 160), List.of(e.get("fold00").dim(0), e.get("fold00").dim(1)));
            assertEquals(0, first.cached);
            // one clip through the embedder directly: same numbers
            HearTask.Clip clip = task.clips("fold03").get(7);
            float[] pcm = WavReader.read(clip.audio()).samples();
            Tensor direct = new SsamEmbedder(SsamWeights.load(weights), cpu).embed(pcm, LogMel.SAMPLE_RATE).scene();
            TensorCompare.assertBitwiseEqual("scene", direct, e.get("fold03").slice0(7, 8).reshape(160));

            CacheHits second = new CacheHits();
            Map<String, Tensor> again = TaskEmbedder.embed(task, fx, cache, 4, cpu, second);
            assertEquals(5, second.cached);
            assertEquals(0, second.computed);
            TensorCompare.assertBitwiseEqual("cached", e.get("fold02"), again.get("fold02"));

            Files.setLastModifiedTime(task.clips("fold02").getFirst().audio(), FileTime.fromMillis(1_000_000L));
            CacheHits third = new CacheHits();
            TaskEmbedder.embed(task, fx, cache, 4, cpu, third);
            assertEquals(4, third.cached, "only the split with a touched file is recomputed");
        }
    }

    @Test
    void cacheKeysFollowWeightsAndSeed() throws IOException {
        Path weights = GoldenFiles.resource(getClass(), "micro.safetensors");
        Backend ref = Backend.ref();
        SsamFeatures model = SsamFeatures.fromWeights(weights, ref);
        SsamFeatures r0 = SsamFeatures.randomInit(model.config(), 0L, ref);
        assertEquals(model.cacheKey(), SsamFeatures.fromWeights(weights, ref).cacheKey());
        assertEquals(r0.cacheKey(), SsamFeatures.randomInit(model.config(), 0L, ref).cacheKey());
        assertNotEquals(model.cacheKey(), r0.cacheKey());
        assertNotEquals(r0.cacheKey(), SsamFeatures.randomInit(model.config(), 1L, ref).cacheKey());
        assertNotEquals(model.cacheKey(), new LogMelStats(ref).cacheKey());
    }

    @Test
    void logMelStatsAreMeanAndStdPerBin() throws IOException {
        float[] pcm = WavReader.read(task.clips("fold00").getFirst().audio()).samples();
        Backend ref = Backend.ref();
        float[] e = new LogMelStats(ref).embed(List.of(pcm)).getFirst();
        assertEquals(160, e.length);
        Tensor mel = LogMel.compute(ref, pcm);
        int t = mel.dim(0);
        double mean = 0;
        for (int i = 0; i < t; i++) {
            mean += mel.get(i, 5);
        }
        mean /= t;
        double var = 0;
        for (int i = 0; i < t; i++) {
            var += (mel.get(i, 5) - mean) * (mel.get(i, 5) - mean);
        }
        assertEquals(mean, e[5], 1e-4 * Math.max(1, Math.abs(mean)));
        assertEquals(Math.sqrt(var / t), e[85], 1e-4);
        assertTrue(e[85] > 0);
    }
}
