package dev.ssam.tools;

import dev.ssam.runtime.Backend;
import dev.ssam.tasks.debian.DebianTasks;
import dev.ssam.tasks.debian.DrumEventsTask;
import dev.ssam.tasks.debian.PretrainPool;
import dev.ssam.tasks.hear.EventTasks;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.hear.SyntheticTask;
import dev.ssam.tasks.hear.TaskImporter;
import dev.ssam.tasks.hear.TaskSummary;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ssam tasks}: make and check HEAR task folders ({@code build synthetic|synthetic-events}, {@code build
 * drums|drum-events|keywords|language|pitch|family|speakers} from Debian packages' audio, {@code import},
 * {@code check}).
 */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = {"HEAR task folders: build the synthetic or a Debian-sourced task, import labelled audio,",
            "check a folder, list the pretraining pool."},
        subcommands = {TasksCommand.Build.class, TasksCommand.Import.class, TasksCommand.Check.class, TasksCommand.Pool.class})
public final class TasksCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void printSummary(PrintWriter out, String verb, TaskSummary s) {
        out.println(verb + " " + s.metadata().taskName() + " in " + s.dir() + ": " + s.clips() + " clips, "
                + s.labels().size() + " classes, " + s.metadata().predictionType().json() + ", metric "
                + s.metadata().primaryMetric());
        for (Map.Entry<String, Integer> e : s.clipsPerSplit().entrySet()) {
            out.println("  " + e.getKey() + ": " + e.getValue() + " clips");
        }
        for (String n : s.notes()) {
            out.println("  note: " + n);
        }
        out.flush();
    }

    /** {@code ssam tasks build synthetic}. */
    @Command(name = "build", mixinStandardHelpOptions = true, description = "Build a built-in task.",
            subcommands = {Synthetic.class, SyntheticEvents.class, Drums.class, DrumEvents.class, Keywords.class, Language.class,
                Pitch.class, Family.class, Speakers.class})
    static final class Build implements Runnable {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** The ten procedural sound classes as a 5-fold HEAR task. */
    @Command(name = "synthetic", mixinStandardHelpOptions = true,
            description = {"Write the synthetic 10-class, 5-fold HEAR task (procedural sounds, licence \"generated\").",
                "Deterministic: the same options give the same bytes."})
    static final class Synthetic implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New task folder (must not exist or be empty).")
        Path out;

        @Option(names = "--clips-per-class", defaultValue = "40", paramLabel = "N",
                description = "Clips per class, at least 5 (default: ${DEFAULT-VALUE}).")
        int clipsPerClass;

        @Option(names = "--seconds", defaultValue = "2", paramLabel = "S", description = "Clip length in seconds (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            printSummary(spec.commandLine().getOut(), "built", SyntheticTask.build(out, clipsPerClass, seconds));
            return 0;
        }
    }

    /** Synthetic sounds mixed at random times as a 5-fold event task. */
    @Command(name = "synthetic-events", mixinStandardHelpOptions = true,
            description = {"Write the synthetic event task: 0.3 s sounds of 4 procedural classes mixed at random times",
                "(1-3 a clip, onsets and offsets in ms), 5 folds with disjoint sounds. Deterministic."})
    static final class SyntheticEvents implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New task folder (must not exist or be empty).")
        Path out;

        @Option(names = "--clips-per-fold", defaultValue = "40", paramLabel = "N",
                description = "Clips per fold (default: ${DEFAULT-VALUE}).")
        int clipsPerFold;

        @Option(names = "--seconds", defaultValue = "2", paramLabel = "S", description = "Clip length in seconds (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            printSummary(spec.commandLine().getOut(), "built", EventTasks.synthetic(out, clipsPerFold, seconds));
            return 0;
        }
    }

    /** {@code ssam tasks build drum-events}. */
    @Command(name = "drum-events", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Drum-hit events: 4 s clips mixing 1-6 hits of the drums task's samples at random (seeded) times,",
                "labelled with kit piece, onset and offset; 5 folds by kit as the drums task. Metric: event onset F (200 ms)."})
    static final class DrumEvents implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New task folder (must not exist or be empty).")
        Path out;

        @Option(names = "--source", defaultValue = "/", paramLabel = "ROOT",
                description = "Root the packages' files are found under (default: ${DEFAULT-VALUE}).")
        Path source;

        @Option(names = "--clips-per-fold", defaultValue = "100", paramLabel = "N",
                description = "Clips per fold (default: ${DEFAULT-VALUE}).")
        int clipsPerFold;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the mixing (default: ${DEFAULT-VALUE}).")
        long seed;

        @Mixin
        DeviceOptions device;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            TaskSummary s;
            try (Backend backend = device.open()) {
                s = DrumEventsTask.build(backend, source, out, clipsPerFold, seed);
            }
            printSummary(spec.commandLine().getOut(), "built", s);
            return 0;
        }
    }

    /** A task built from Debian packages' audio ({@link DebianTasks}); the subclasses name the task. */
    abstract static class FromPackages implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New task folder (must not exist or be empty).")
        Path out;

        @Option(names = "--source", defaultValue = "/", paramLabel = "ROOT",
                description = "Root the packages' files are found under (default: ${DEFAULT-VALUE}).")
        Path source;

        @Mixin
        DeviceOptions device;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        abstract DebianTasks.Kind kind();

        @Override
        public Integer call() throws Exception {
            TaskSummary s;
            try (Backend backend = device.open()) {
                s = DebianTasks.build(kind(), backend, source, out);
            }
            printSummary(spec.commandLine().getOut(), "built", s);
            return 0;
        }
    }

    /** {@code ssam tasks build drums}. */
    @Command(name = "drums", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Kit-piece classes of drum hits from hydrogen-drumkits, avldrums.lv2-soundfont and",
                "sonic-pi-samples (5 folds by kit, 2 s clips). Install the packages with tools/install-data.sh."})
    static final class Drums extends FromPackages {
        @Override
        DebianTasks.Kind kind() {
            return DebianTasks.Kind.DRUMS;
        }
    }

    /** {@code ssam tasks build keywords}. */
    @Command(name = "keywords", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Spoken phrases from the hedgewars-data voice packs (5 folds by pack, 2 s clips)."})
    static final class Keywords extends FromPackages {
        @Override
        DebianTasks.Kind kind() {
            return DebianTasks.Kind.KEYWORDS;
        }
    }

    /** {@code ssam tasks build language}. */
    @Command(name = "language", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Language of tuxpaint-stamps-default spoken descriptions (9 languages, 5 folds by stamp",
                "category, 3 s clips)."})
    static final class Language extends FromPackages {
        @Override
        DebianTasks.Kind kind() {
            return DebianTasks.Kind.LANGUAGE;
        }
    }

    /** {@code ssam tasks build pitch}. */
    @Command(name = "pitch", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"MIDI pitch of 4 s notes rendered from fluid-soundfont-gm with fluidsynth (GM programs 0-119,",
                "5 folds by program). Needs fluidsynth and fluid-soundfont-gm (tools/install-data.sh --tools)."})
    static final class Pitch extends FromPackages {
        @Override
        DebianTasks.Kind kind() {
            return DebianTasks.Kind.PITCH;
        }
    }

    /** {@code ssam tasks build family}. */
    @Command(name = "family", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"GM instrument family (program / 8) of the same rendered notes as 'pitch' (5 folds by program)."})
    static final class Family extends FromPackages {
        @Override
        DebianTasks.Kind kind() {
            return DebianTasks.Kind.FAMILY;
        }
    }

    /** {@code ssam tasks build speakers}. */
    @Command(name = "speakers", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Speaker count: 5 s mixtures of 0-4 voices (hedgewars packs, tuxpaint languages), speaker",
                "sets disjoint across the 5 folds."})
    static final class Speakers extends FromPackages {
        @Override
        DebianTasks.Kind kind() {
            return DebianTasks.Kind.SPEAKERS;
        }
    }

    /** {@code ssam tasks pool}. */
    @Command(name = "pool", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List the unlabelled pretraining pool: the packages' audio minus every file of the drums,",
                "keywords, language and speakers tasks (all their folds), as DIR/pool.txt; --link adds DIR/files/ symlinks."})
    static final class Pool implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
        Path out;

        @Option(names = "--source", defaultValue = "/", paramLabel = "ROOT",
                description = "Root the packages' files are found under (default: ${DEFAULT-VALUE}).")
        Path source;

        @Option(names = "--link", description = "Also make DIR/files/, symbolic links to every pool file.")
        boolean link;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PretrainPool.Summary s = PretrainPool.write(source, out, link);
            PrintWriter w = spec.commandLine().getOut();
            w.println("pool in " + out + ": " + s.files() + " files (" + s.members() + " inside archives), "
                    + s.bytes() / (1 << 20) + " MiB; " + s.heldOut() + " files held out (used by tasks)");
            s.perTop().forEach((k, v) -> w.println("  " + k + ": " + v + " files"));
            s.notes().forEach(n -> w.println("  note: " + n));
            w.flush();
            return 0;
        }
    }

    /** {@code ssam tasks import}. */
    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Import labelled WAV files into a HEAR task folder (16 kHz mono 16-bit, k folds).",
                "--from-folders DIR: one subfolder per class. --from-csv FILE: lines file,label[,fold]",
                "(paths relative to the CSV; 'a;b' labels make a multilabel task; a fold column fixes the folds)."})
    static final class Import implements Callable<Integer> {
        /** Exactly one source layout. */
        static final class Source {
            @Option(names = "--from-folders", paramLabel = "DIR", description = "Folder with one subfolder of WAV files per class.")
            Path folders;

            @Option(names = "--from-csv", paramLabel = "FILE", description = "CSV of file,label[,fold].")
            Path csv;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New task folder (must not exist or be empty).")
        Path out;

        @Option(names = "--name", paramLabel = "NAME", description = "task_name (default: the output folder's name).")
        String name;

        @Option(names = "--folds", defaultValue = "5", paramLabel = "K", description = "Folds when the source gives none (default: ${DEFAULT-VALUE}).")
        int folds;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the fold assignment (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--seconds", paramLabel = "S", description = "Cut or zero-pad every clip to S seconds (default: keep lengths).")
        Double seconds;

        @Option(names = "--license", defaultValue = "unknown", paramLabel = "TEXT", description = "Licence recorded in the metadata.")
        String license;

        @Mixin
        DeviceOptions device;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String taskName = name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
            TaskImporter.Options o = new TaskImporter.Options(taskName, folds, seed, seconds == null ? Double.NaN : seconds, license);
            TaskSummary s;
            try (Backend backend = device.open()) {
                s = source.folders != null ? TaskImporter.fromClassFolders(backend, source.folders, out, o)
                        : TaskImporter.fromCsv(backend, source.csv, out, o);
            }
            printSummary(spec.commandLine().getOut(), "imported", s);
            return 0;
        }
    }

    /** {@code ssam tasks check}. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Check HEAR task folders and print their splits.")
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "DIR", description = "Task folders.")
        List<Path> dirs;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            for (Path d : dirs) {
                HearTask t = HearTask.open(d);
                out.println(t.name() + " (" + d + "): " + t.size() + " clips, " + t.labels().size() + " classes, "
                        + t.metadata().embeddingType().json() + " " + t.metadata().predictionType().json() + ", split_mode "
                        + t.metadata().splitMode() + ", metrics " + t.metadata().evaluation());
                for (String s : t.splits()) {
                    out.println("  " + s + ": " + t.clips(s).size() + " clips");
                }
            }
            out.flush();
            return 0;
        }
    }
}
