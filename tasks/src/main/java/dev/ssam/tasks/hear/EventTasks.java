package dev.ssam.tasks.hear;

import dev.ssam.tasks.data.SyntheticAudio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Event-based HEAR tasks made by mixing short labelled sounds (drum hits, synthetic sounds) into
 * silent clips at random times: each event is labelled with its class and its onset and offset in
 * milliseconds, and the sounds of one fold are only ever mixed into that fold's clips.
 *
 * <p>Each clip (16 kHz, {@code seconds} long) holds 1 .. {@code maxEvents} events, drawn from one
 * SplittableRandom seeded with {@code seed} in fold order, clip order, event order: a source of
 * the fold, an onset sample in [0, clip - 50 ms), and a gain so the source's peak is uniform in
 * [0.3, 1.0]. A source's event spans its <em>active range</em> ({@link #activeRange}): from the
 * first to the end of the last 10 ms frame whose RMS is within 40 dB of the loudest frame; the
 * audio before the range is dropped so the onset is where the sound starts, and the offset is cut
 * at the clip's end. Events may overlap. A mix whose peak exceeds 0.99 is scaled down to 0.99.
 *
 * <p>Metadata: embedding_type "event", multilabel, {@code new_split_kfold}, evaluation {@code
 * ["event_onset_200ms_fms", "event_onset_50ms_fms"]}. The same arguments give the same bytes.
 *
 * <pre>{@code
 * TaskSummary s = EventTasks.synthetic(Path.of("tasks/synthetic-events"), 20, 2.0);
 * }</pre>
 */
public final class EventTasks {
    /** The metrics every mixed event task lists; the first selects checkpoints. */
    public static final List<String> METRICS = List.of("event_onset_200ms_fms", "event_onset_50ms_fms");
    /** task_name of {@link #synthetic}. */
    public static final String SYNTHETIC_NAME = "ssam-synthetic-events";
    /** Seed of the synthetic task's first source; far from the seeds a pretraining run draws. */
    public static final long SYNTHETIC_SEED_BASE = 2_000_000_000L;
    /** Sources per class and fold of the synthetic task. */
    static final int SYNTHETIC_SOURCES = 4;
    private static final int RATE = SyntheticAudio.SAMPLE_RATE;
    private static final int FRAME = RATE / 100;
    private static final double RANGE_DB = 40.0;

    private EventTasks() {
    }

    /**
     * One sound that can be mixed in.
     *
     * @param label  its class
     * @param pcm16k mono samples at 16 kHz
     */
    public record Source(String label, float[] pcm16k) {
    }

    /**
     * How the clips are made.
     *
     * @param taskName     task_name
     * @param clipsPerFold clips written into every fold
     * @param seconds      clip length
     * @param maxEvents    events per clip are uniform in 1 .. maxEvents
     * @param seed         seed of every random draw
     * @param license      licence recorded in the metadata
     */
    public record Options(String taskName, int clipsPerFold, double seconds, int maxEvents, long seed, String license) {
        public Options {
            if (clipsPerFold < 1 || maxEvents < 1) {
                throw new IllegalArgumentException("event task: clips per fold " + clipsPerFold + " and max events "
                        + maxEvents + ", expected both >= 1");
            }
            if (!(seconds >= 0.2) || !(seconds <= 600)) {
                throw new IllegalArgumentException("event task: seconds is " + seconds + ", expected 0.2 .. 600");
            }
        }
    }

    /**
     * Mixes the sources of each fold into that fold's clips and writes the task into {@code out}
     * (which must not exist or be empty). {@code folds.get(f)} are the sources of fold f; there
     * must be at least 3 folds, none empty.
     */
    public static TaskSummary mix(Path out, List<List<Source>> folds, Options o, List<String> notes) throws IOException {
        if (folds.size() < 3) {
            throw new IllegalArgumentException("event task: " + folds.size() + " folds, expected at least 3");
        }
        for (int f = 0; f < folds.size(); f++) {
            if (folds.get(f).isEmpty()) {
                throw new IllegalArgumentException("event task: fold " + f + " has no sources to mix");
            }
        }
        int samples = (int) Math.round(o.seconds() * RATE);
        List<String> names = TaskMetadata.foldNames(folds.size());
        TaskWriter w = new TaskWriter(out, names);
        Map<float[], Active> ranges = new IdentityHashMap<>();
        Set<String> labels = new LinkedHashSet<>();
        SplittableRandom rng = new SplittableRandom(o.seed());
        int minInside = RATE / 20;
        for (int f = 0; f < folds.size(); f++) {
            List<Source> sources = folds.get(f);
            for (int j = 0; j < o.clipsPerFold(); j++) {
                float[] clip = new float[samples]; // (S)
                int n = 1 + rng.nextInt(o.maxEvents());
                List<TaskWriter.TimedLabel> events = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    Source src = sources.get(rng.nextInt(sources.size()));
                    Active range = ranges.computeIfAbsent(src.pcm16k(), EventTasks::activeRange);
                    int onset = rng.nextInt(Math.max(1, samples - minInside));
                    double gain = (0.3 + 0.7 * rng.nextDouble()) / Math.max(range.peak(), 1e-6f);
                    float[] x = src.pcm16k();
                    int end = Math.min(samples, onset + range.to() - range.from());
                    for (int i = onset, s = range.from(); i < samples && s < x.length; i++, s++) {
                        clip[i] += (float) (gain * x[s]);
                    }
                    events.add(new TaskWriter.TimedLabel(src.label(), onset * 1000.0 / RATE, end * 1000.0 / RATE));
                    labels.add(src.label());
                }
                limitPeak(clip);
                events.sort(Comparator.comparingDouble(TaskWriter.TimedLabel::startMs));
                w.addEvents(names.get(f), String.format(Locale.ROOT, "clip-f%d-%04d.wav", f, j), clip, events);
            }
        }
        TaskMetadata meta = new TaskMetadata(o.taskName(), "full", TaskMetadata.EmbeddingType.EVENT,
                TaskMetadata.PredictionType.MULTILABEL, TaskMetadata.NEW_SPLIT_KFOLD, names, samples / (double) RATE, METRICS,
                o.license());
        return w.finish(meta, HearTask.sortLabels(labels), notes);
    }

    /**
     * The synthetic event task: 0.3 s sounds of four {@link SyntheticAudio} classes (harmonic tone,
     * rising chirp, noise bursts, vowel), {@value #SYNTHETIC_SOURCES} per class and fold with
     * seeds disjoint across folds, mixed into {@code clipsPerFold} clips per fold (5 folds, at
     * most 3 events a clip), licence "generated".
     */
    public static TaskSummary synthetic(Path out, int clipsPerFold, double seconds) throws IOException {
        List<SyntheticAudio.Sound> sounds = List.of(SyntheticAudio.Sound.HARMONIC_TONE, SyntheticAudio.Sound.CHIRP_UP,
                SyntheticAudio.Sound.NOISE_BURSTS, SyntheticAudio.Sound.VOWEL);
        int len = (int) (0.3 * RATE);
        List<List<Source>> folds = new ArrayList<>();
        for (int f = 0; f < SyntheticTask.FOLDS; f++) {
            List<Source> fold = new ArrayList<>();
            for (SyntheticAudio.Sound s : sounds) {
                for (int j = 0; j < SYNTHETIC_SOURCES; j++) {
                    long seed = SYNTHETIC_SEED_BASE + (long) f * SYNTHETIC_SOURCES + j;
                    fold.add(new Source(s.name().toLowerCase(Locale.ROOT), SyntheticAudio.clip(s, seed, len)));
                }
            }
            folds.add(fold);
        }
        return mix(out, folds, new Options(SYNTHETIC_NAME, clipsPerFold, seconds, 3, 0L, "generated"), List.of());
    }

    /**
     * Where a sound is: samples [from, to) span the 10 ms frames from the first to the last whose
     * RMS is within 40 dB of the loudest frame's; {@code peak} is the largest absolute sample.
     */
    record Active(int from, int to, float peak) {
    }

    /** The {@link Active} range of {@code x}. */
    static Active activeRange(float[] x) {
        int frames = (x.length + FRAME - 1) / FRAME;
        double[] rms = new double[frames];
        double loudest = 0;
        float peak = 0;
        for (int t = 0; t < frames; t++) {
            double sum = 0;
            int to = Math.min(x.length, (t + 1) * FRAME);
            for (int i = t * FRAME; i < to; i++) {
                sum += (double) x[i] * x[i];
                peak = Math.max(peak, Math.abs(x[i]));
            }
            rms[t] = Math.sqrt(sum / (to - t * FRAME));
            loudest = Math.max(loudest, rms[t]);
        }
        double floor = loudest * Math.pow(10, -RANGE_DB / 20);
        int first = 0;
        while (first < frames - 1 && !(rms[first] >= floor && rms[first] > 0)) {
            first++;
        }
        int last = frames - 1;
        while (last > first && !(rms[last] >= floor && rms[last] > 0)) {
            last--;
        }
        return new Active(first * FRAME, Math.min(x.length, (last + 1) * FRAME), peak);
    }

    private static void limitPeak(float[] x) {
        float peak = 0;
        for (float v : x) {
            peak = Math.max(peak, Math.abs(v));
        }
        if (peak > 0.99f) {
            float g = 0.99f / peak;
            for (int i = 0; i < x.length; i++) {
                x[i] *= g;
            }
        }
    }
}
