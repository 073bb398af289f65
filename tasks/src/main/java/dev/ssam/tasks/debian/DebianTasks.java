package dev.ssam.tasks.debian;

import dev.ssam.runtime.Backend;
import dev.ssam.tasks.hear.TaskImporter;
import dev.ssam.tasks.hear.TaskSummary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Downstream tasks built from openly licensed audio that Debian packages ship (see
 * {@code docs/DATA.md}): each builder reads the packages' files below a source root ({@code /}
 * on a system with the packages installed; a small fake tree in tests), labels clips by rules
 * written in code, keeps every group of related clips (a kit, a voice pack, a stamp category) in
 * one fold, and writes a 5-fold HEAR task with {@link TaskImporter#fromClips} (16 kHz mono,
 * every clip cut or zero-padded to the task's length). The licences of the sources used are
 * recorded in {@code task_metadata.json}.
 *
 * <pre>{@code
 * TaskSummary s = DebianTasks.build(DebianTasks.Kind.DRUMS, Backend.cpu(4), Path.of("/"), Path.of("tasks/drums"));
 * }</pre>
 */
public final class DebianTasks {
    /** Folds of every task. */
    public static final int FOLDS = 5;

    private DebianTasks() {
    }

    /** The tasks, with their HEAR task names and clip lengths. */
    public enum Kind {
        /** Kit-piece classes of drum hits (hydrogen-drumkits, avldrums.lv2-soundfont, sonic-pi-samples). */
        DRUMS("debian-drums", 2.0),
        /** Spoken game phrases as classes (hedgewars-data voice packs). */
        KEYWORDS("debian-keywords", 2.0),
        /** Language of spoken stamp descriptions (tuxpaint-stamps-default). */
        LANGUAGE("debian-language", 3.0),
        /** MIDI pitch of notes rendered from the fluid-soundfont-gm bank with fluidsynth. */
        PITCH("debian-pitch", 4.0),
        /** General-MIDI instrument family (program / 8) of the same rendered notes. */
        FAMILY("debian-family", 4.0),
        /** Number of voices (0-4) in mixtures of hedgewars packs and tuxpaint languages. */
        SPEAKERS("debian-speakers", SpeakersTask.SECONDS);

        private final String taskName;
        private final double seconds;

        Kind(String taskName, double seconds) {
            this.taskName = taskName;
            this.seconds = seconds;
        }

        /** task_name in the metadata. */
        public String taskName() {
            return taskName;
        }

        /** Every clip is cut or zero-padded to this many seconds. */
        public double seconds() {
            return seconds;
        }
    }

    /**
     * One labelled clip before fold assignment.
     *
     * @param group clips of one group always share a fold
     * @param name  output file name (made HEAR-safe on writing)
     * @param label the class
     * @param audio how to get the audio
     */
    record Item(String group, String name, String label, TaskImporter.AudioLoader audio) {
    }

    /**
     * What a builder found.
     *
     * @param items   the labelled clips
     * @param notes   what was left out and why
     * @param license the sources and their licences
     * @param files   every source file whose audio is in the task (byte-identical copies left out
     *                included), for keeping the pretraining pool apart ({@link PretrainPool})
     */
    record Collected(List<Item> items, List<String> notes, String license, List<Path> files) {
    }

    /** Collects the clips of {@code kind} under {@code root} without writing anything. */
    static Collected collect(Kind kind, Path root) throws IOException {
        return switch (kind) {
            case DRUMS -> DrumsTask.collect(root);
            case KEYWORDS -> KeywordsTask.collect(root);
            case LANGUAGE -> LanguageTask.collect(root);
            case PITCH -> PitchTask.collect(root, false);
            case FAMILY -> PitchTask.collect(root, true);
            case SPEAKERS -> SpeakersTask.collect(root);
        };
    }

    /**
     * Builds task {@code kind} from the packages' files under {@code root} into {@code out}.
     *
     * @throws java.nio.file.NoSuchFileException when a package's folder is missing (the message
     *                                           names the package to install)
     */
    public static TaskSummary build(Kind kind, Backend backend, Path root, Path out) throws IOException {
        Collected c = collect(kind, root);
        Map<String, Integer> folds = folds(c.items());
        List<TaskImporter.LabelledClip> clips = new ArrayList<>(c.items().size());
        for (Item it : c.items()) {
            clips.add(new TaskImporter.LabelledClip(TaskImporter.flatName(it.name()), List.of(it.label()),
                    Integer.toString(folds.get(it.group())), it.audio()));
        }
        List<String> notes = new ArrayList<>(c.notes());
        Map<Integer, List<String>> groupsByFold = new TreeMap<>();
        folds.forEach((g, f) -> groupsByFold.computeIfAbsent(f, x -> new ArrayList<>()).add(g));
        groupsByFold.forEach((f, gs) -> notes.add(String.format("fold%02d: %s", f, String.join(", ", gs.stream().sorted().toList()))));
        // NSynth pitch in HEAR is scored by pitch and chroma accuracy; the other tasks by top-1 accuracy
        List<String> metrics = kind == Kind.PITCH ? List.of("pitch_acc", "chroma_acc") : List.of();
        TaskImporter.Options o = new TaskImporter.Options(kind.taskName(), FOLDS, 0L, kind.seconds(), c.license(), metrics);
        return TaskImporter.fromClips(backend, clips, out, o, notes);
    }

    /** The fold of every group ({@link GroupFolds}). */
    static Map<String, Integer> folds(List<Item> items) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Item it : items) {
            sizes.merge(it.group(), 1, Integer::sum);
        }
        return GroupFolds.deal(sizes, FOLDS);
    }
}
