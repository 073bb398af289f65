package dev.ssam.tasks.eval;

import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.audio.Resampler;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.tasks.hear.HearTask;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Embeds every clip of every split of a task with one {@link FeatureExtractor}, {@code clipBatch}
 * clips per call, reusing and filling an {@link EmbeddingCache}: scene embeddings ({@link #embed}) and,
 * for event tasks, timestamp embeddings ({@link #embedTimestamps}).
 *
 * <p>Clips are read with {@link WavReader} (mono mix), resampled to 16 kHz when a file has another
 * rate, and zero-padded to {@value LogMel#MIN_SAMPLES} samples when shorter (the front end's
 * minimum; HEAR clips are already padded to the task's sample_duration).
 *
 * <pre>{@code
 * Map<String, Tensor> e = TaskEmbedder.embed(task, fx, cache, 16, cpu, EvalListener.NONE);
 * e.get("fold00");   // (N, dim)
 * }</pre>
 */
public final class TaskEmbedder {
    private TaskEmbedder() {
    }

    /** Embeddings per split, {@code (N_split, dim)}, in split-file order; {@code cache} may be null. */
    public static Map<String, Tensor> embed(HearTask task, FeatureExtractor fx, EmbeddingCache cache, int clipBatch,
                                            Backend backend, EvalListener listener) throws IOException {
        return embedSplits(task, fx, cache, clipBatch, backend, listener, fx::embed, vecs -> rows(fx, vecs),
                EmbeddingCache::load, EmbeddingCache::store);
    }

    /**
     * Timestamp embeddings of every clip per split, in split-file order, for event tasks
     * ({@link FeatureExtractor#embedTimestamps}), reusing and filling {@code cache} (may be null)
     * like {@link #embed}.
     */
    public static Map<String, List<FeatureExtractor.Timestamps>> embedTimestamps(HearTask task, FeatureExtractor fx,
            EmbeddingCache cache, int clipBatch, Backend backend, EvalListener listener) throws IOException {
        return embedSplits(task, fx, cache, clipBatch, backend, listener, fx::embedTimestamps, list -> list,
                EmbeddingCache::loadTimestamps, EmbeddingCache::storeTimestamps);
    }

    /** Reads one split's entry of type {@code T} from a cache. */
    @FunctionalInterface
    private interface CacheLoad<T> {
        Optional<T> load(EmbeddingCache cache, FeatureExtractor fx, HearTask task, String split) throws IOException;
    }

    /** Writes one split's entry of type {@code T} to a cache. */
    @FunctionalInterface
    private interface CacheStore<T> {
        void store(EmbeddingCache cache, FeatureExtractor fx, HearTask task, String split, T value) throws IOException;
    }

    /**
     * Per split: the cached entry when {@code load} finds one (reported to {@code listener} as
     * cached), otherwise {@code clipBatch} clips at a time through {@code embedBatch}, the per-clip
     * results joined by {@code join} and stored.
     */
    private static <R, T> Map<String, T> embedSplits(HearTask task, FeatureExtractor fx, EmbeddingCache cache, int clipBatch,
            Backend backend, EvalListener listener, Function<List<float[]>, List<R>> embedBatch, Function<List<R>, T> join,
            CacheLoad<T> load, CacheStore<T> store) throws IOException {
        Map<String, T> out = new LinkedHashMap<>();
        int total = task.size();
        int done = 0;
        Int2ObjectOpenHashMap<Resampler> resamplers = new Int2ObjectOpenHashMap<>();
        for (String split : task.splits()) {
            List<HearTask.Clip> clips = task.clips(split);
            Optional<T> hit = cache == null ? Optional.empty() : load.load(cache, fx, task, split);
            if (hit.isPresent()) {
                out.put(split, hit.get());
                done += clips.size();
                listener.embedded(fx.name(), task.name(), done, total, true);
                continue;
            }
            List<R> results = new ArrayList<>(clips.size());
            for (int from = 0; from < clips.size(); from += clipBatch) {
                int to = Math.min(clips.size(), from + clipBatch);
                List<float[]> pcm = new ArrayList<>(to - from);
                for (HearTask.Clip c : clips.subList(from, to)) {
                    pcm.add(read(c, backend, resamplers));
                }
                List<R> batch = embedBatch.apply(pcm);
                if (batch.size() != to - from) {
                    throw new IllegalStateException(fx.name() + ": " + batch.size() + " embeddings for " + (to - from) + " clips");
                }
                results.addAll(batch);
                done += to - from;
                listener.embedded(fx.name(), task.name(), done, total, false);
            }
            T value = join.apply(results);
            if (cache != null) {
                store.store(cache, fx, task, split, value);
            }
            out.put(split, value);
        }
        return out;
    }

    /** The scene embeddings as rows of one {@code (N, dim)} tensor. */
    private static Tensor rows(FeatureExtractor fx, List<float[]> vecs) {
        Tensor e = Tensor.zeros(vecs.size(), fx.dim()); // (N, dim)
        for (int i = 0; i < vecs.size(); i++) {
            float[] v = vecs.get(i);
            if (v.length != fx.dim()) {
                throw new IllegalStateException(fx.name() + ": embedding of width " + v.length + ", expected " + fx.dim());
            }
            System.arraycopy(v, 0, e.data(), i * fx.dim(), fx.dim());
        }
        return e;
    }

    private static float[] read(HearTask.Clip c, Backend backend, Int2ObjectOpenHashMap<Resampler> resamplers) throws IOException {
        AudioClip clip = AudioFiles.read(c.audio());
        float[] pcm = clip.sampleRate() == LogMel.SAMPLE_RATE ? clip.samples()
                : resamplers.computeIfAbsent(clip.sampleRate(), r -> Resampler.of(r, LogMel.SAMPLE_RATE))
                .apply(LogMel.frontEnd(backend), clip.samples());
        return pcm.length < LogMel.MIN_SAMPLES ? Arrays.copyOf(pcm, LogMel.MIN_SAMPLES) : pcm;
    }
}
