package dev.ssam.tasks.hear;

import dev.ssam.tasks.data.SyntheticAudio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in HEAR task: the ten {@link SyntheticAudio} classes as a 5-fold scene task
 * ({@code new_split_kfold}, multiclass, top-1 accuracy, licence "generated"), so the evaluator
 * runs with no downloads.
 *
 * <p>Clip j of every class (j = 0 .. clipsPerClass - 1) is drawn with seed
 * {@link #SEED_BASE} + j and goes to fold floor(5 j / clipsPerClass): each fold owns one contiguous
 * seed range, so no seed is shared across folds. The seeds start at 10^9, far from the small seeds
 * a pretraining run draws, so the test folds stay out of any synthetic pretraining pool that
 * counts seeds from 0. File names are {@code <class>-<seed>.wav}, labels the lower-case class
 * names. The same arguments give the same bytes.
 *
 * <pre>{@code
 * TaskSummary s = SyntheticTask.build(Path.of("tasks/synthetic"), 40, 2.0);   // 400 clips, 2 s each
 * }</pre>
 */
public final class SyntheticTask {
    /** Folds of the built task. */
    public static final int FOLDS = 5;
    /** The task_name in the metadata. */
    public static final String TASK_NAME = "ssam-synthetic10";
    /** Seed of clip 0 of every class. */
    public static final long SEED_BASE = 1_000_000_000L;

    private SyntheticTask() {
    }

    /**
     * Writes the task into {@code out} (which must not exist or be empty).
     *
     * @param clipsPerClass clips of each class, at least {@value #FOLDS} (one per fold)
     * @param seconds       clip length, at least 0.05 s
     */
    public static TaskSummary build(Path out, int clipsPerClass, double seconds) throws IOException {
        if (clipsPerClass < FOLDS) {
            throw new IllegalArgumentException("synthetic task: clips per class is " + clipsPerClass
                    + ", expected at least " + FOLDS + " (one per fold)");
        }
        if (!(seconds >= 0.05) || !(seconds <= 600)) {
            throw new IllegalArgumentException("synthetic task: seconds is " + seconds + ", expected 0.05 .. 600");
        }
        int samples = (int) Math.round(seconds * SyntheticAudio.SAMPLE_RATE);
        List<String> folds = TaskMetadata.foldNames(FOLDS);
        TaskWriter w = new TaskWriter(out, folds);
        List<String> labels = new ArrayList<>();
        for (SyntheticAudio.Sound s : SyntheticAudio.Sound.values()) {
            labels.add(s.name().toLowerCase(Locale.ROOT));
        }
        for (int f = 0; f < FOLDS; f++) {
            for (SyntheticAudio.Sound s : SyntheticAudio.Sound.values()) {
                String label = s.name().toLowerCase(Locale.ROOT);
                for (int j = 0; j < clipsPerClass; j++) {
                    if ((long) FOLDS * j / clipsPerClass != f) {
                        continue;
                    }
                    long seed = SEED_BASE + j;
                    w.add(folds.get(f), label + "-" + seed + ".wav", SyntheticAudio.clip(s, seed, samples), List.of(label));
                }
            }
        }
        TaskMetadata meta = new TaskMetadata(TASK_NAME, "full", TaskMetadata.EmbeddingType.SCENE,
                TaskMetadata.PredictionType.MULTICLASS, TaskMetadata.NEW_SPLIT_KFOLD, folds, samples / (double) SyntheticAudio.SAMPLE_RATE,
                List.of("top1_acc"), "generated");
        return w.finish(meta, HearTask.sortLabels(labels), List.of());
    }
}
