package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.Resampler;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.tasks.hear.EventTasks;
import dev.ssam.tasks.hear.TaskSummary;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The drum-events task: {@value #SECONDS} s clips mixing 1-{@value #MAX_EVENTS} drum hits at
 * random (seeded) times, each hit labelled with its kit-piece class ({@link DrumClass}) and its
 * onset and offset ({@link EventTasks#mix}). The hits are the drums task's samples (the same
 * sources, the same classes), and each fold mixes only the hits of the kits the drums task puts in
 * that fold ({@link DebianTasks#folds}), so no kit, author group or velocity layer crosses folds.
 * Its pool files are the drums task's, which {@link PretrainPool} holds out already.
 *
 * <pre>{@code
 * TaskSummary s = DrumEventsTask.build(cpu, Path.of("/"), Path.of("tasks/drum-events"), 100, 0L);
 * }</pre>
 */
public final class DrumEventsTask {
    /** task_name in the metadata. */
    public static final String TASK_NAME = "debian-drum-events";
    /** Clip length in seconds. */
    public static final double SECONDS = 4.0;
    /** Most hits in one clip. */
    public static final int MAX_EVENTS = 6;

    private DrumEventsTask() {
    }

    /**
     * Builds the task from the drum packages' files under {@code root} into {@code out}.
     *
     * @param clipsPerFold clips in each of the 5 folds
     * @param seed         seed of the mixing
     * @throws java.nio.file.NoSuchFileException when no drum package is installed below {@code root}
     */
    public static TaskSummary build(Backend backend, Path root, Path out, int clipsPerFold, long seed) throws IOException {
        DebianTasks.Collected c = DebianTasks.collect(DebianTasks.Kind.DRUMS, root);
        Map<String, Integer> folds = DebianTasks.folds(c.items());
        List<List<EventTasks.Source>> sources = new ArrayList<>();
        for (int f = 0; f < DebianTasks.FOLDS; f++) {
            sources.add(new ArrayList<>());
        }
        Int2ObjectOpenHashMap<Resampler> resamplers = new Int2ObjectOpenHashMap<>();
        for (DebianTasks.Item it : c.items()) {
            AudioClip clip = it.audio().load();
            float[] pcm = clip.sampleRate() == LogMel.SAMPLE_RATE ? clip.samples()
                    : resamplers.computeIfAbsent(clip.sampleRate(), r -> Resampler.of(r, LogMel.SAMPLE_RATE))
                    .apply(LogMel.frontEnd(backend), clip.samples());
            sources.get(folds.get(it.group())).add(new EventTasks.Source(it.label(), pcm));
        }
        List<String> notes = new ArrayList<>(c.notes());
        Map<Integer, List<String>> groupsByFold = new TreeMap<>();
        folds.forEach((g, f) -> groupsByFold.computeIfAbsent(f, x -> new ArrayList<>()).add(g));
        groupsByFold.forEach((f, gs) -> notes.add(String.format("fold%02d: %d hits from %s", f, sources.get(f).size(),
                String.join(", ", gs.stream().sorted().toList()))));
        EventTasks.Options o = new EventTasks.Options(TASK_NAME, clipsPerFold, SECONDS, MAX_EVENTS, seed, c.license());
        return EventTasks.mix(out, sources, o, notes);
    }
}
