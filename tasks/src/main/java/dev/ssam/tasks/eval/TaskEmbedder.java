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

/**
 * Embeds every clip of every split of a task with one {@link FeatureExtractor}, {@code clipBatch}
 * clips per call, reusing and filling an {@link EmbeddingCache}.
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

    /** Embeddings per split, {@code (N_split, dim)}, in split-file order. */
    public static Map<String, Tensor> embed(HearTask task, FeatureExtractor fx, EmbeddingCache cache, int clipBatch,
                                            Backend backend, EvalListener listener) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int total = task.size();
        int done = 0;
        Int2ObjectOpenHashMap<Resampler> resamplers = new Int2ObjectOpenHashMap<>();
        for (String split : task.splits()) {
            List<HearTask.Clip> clips = task.clips(split);
            Optional<Tensor> hit = cache == null ? Optional.empty() : cache.load(fx, task, split);
            if (hit.isPresent()) {
                out.put(split, hit.get());
                done += clips.size();
                listener.embedded(fx.name(), task.name(), done, total, true);
                continue;
            }
            Tensor e = Tensor.zeros(clips.size(), fx.dim()); // (N, dim)
            for (int from = 0; from < clips.size(); from += clipBatch) {
                int to = Math.min(clips.size(), from + clipBatch);
                List<float[]> pcm = new ArrayList<>(to - from);
                for (HearTask.Clip c : clips.subList(from, to)) {
                    pcm.add(read(c, backend, resamplers));
                }
                List<float[]> vecs = fx.embed(pcm);
                for (int i = 0; i < vecs.size(); i++) {
                    float[] v = vecs.get(i);
                    if (v.length != fx.dim()) {
                        throw new IllegalStateException(fx.name() + ": embedding of width " + v.length + ", expected " + fx.dim());
                    }
                    System.arraycopy(v, 0, e.data(), (from + i) * fx.dim(), fx.dim());
                }
                done += to - from;
                listener.embedded(fx.name(), task.name(), done, total, false);
            }
            if (cache != null) {
                cache.store(fx, task, split, e);
            }
            out.put(split, e);
        }
        return out;
    }

    /**
     * Timestamp embeddings of every clip per split, in split-file order, for event tasks
     * ({@link FeatureExtractor#embedTimestamps}); they are not cached.
     */
    public static Map<String, List<FeatureExtractor.Timestamps>> embedTimestamps(HearTask task, FeatureExtractor fx,
            int clipBatch, Backend backend, EvalListener listener) throws IOException {
        Map<String, List<FeatureExtractor.Timestamps>> out = new LinkedHashMap<>();
        int total = task.size();
        int done = 0;
        Int2ObjectOpenHashMap<Resampler> resamplers = new Int2ObjectOpenHashMap<>();
        for (String split : task.splits()) {
            List<HearTask.Clip> clips = task.clips(split);
            List<FeatureExtractor.Timestamps> e = new ArrayList<>(clips.size());
            for (int from = 0; from < clips.size(); from += clipBatch) {
                int to = Math.min(clips.size(), from + clipBatch);
                List<float[]> pcm = new ArrayList<>(to - from);
                for (HearTask.Clip c : clips.subList(from, to)) {
                    pcm.add(read(c, backend, resamplers));
                }
                e.addAll(fx.embedTimestamps(pcm));
                done += to - from;
                listener.embedded(fx.name(), task.name(), done, total, false);
            }
            out.put(split, e);
        }
        return out;
    }

    private static float[] read(HearTask.Clip c, Backend backend, Int2ObjectOpenHashMap<Resampler> resamplers) throws IOException {
        AudioClip clip = AudioFiles.read(c.audio());
        float[] pcm = clip.sampleRate() == LogMel.SAMPLE_RATE ? clip.samples()
                : resamplers.computeIfAbsent(clip.sampleRate(), r -> Resampler.of(r, LogMel.SAMPLE_RATE))
                .apply(LogMel.frontEnd(backend), clip.samples());
        return pcm.length < LogMel.MIN_SAMPLES ? Arrays.copyOf(pcm, LogMel.MIN_SAMPLES) : pcm;
    }
}
