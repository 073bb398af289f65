package dev.ssam.tasks.hear;

import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.audio.Resampler;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.io.FileFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns simpler labelled layouts into HEAR task folders ({@link HearTask}): every clip is read
 * (WAV, FLAC, Ogg Vorbis or AIFF by {@link AudioFiles}, any rate and channel count), mixed to
 * mono, resampled to 16 kHz, optionally cut or zero-padded to a fixed length, and written as
 * 16-bit WAV. {@link #fromClips} writes clips whose labels and folds a builder decided.
 *
 * <ul>
 *   <li>{@link #fromClassFolders}: {@code src/<class>/**.wav}; one class per subfolder, files in
 *       nested folders count for that class. A class folder with no WAV file is an error.</li>
 *   <li>{@link #fromCsv}: lines {@code file,label[,fold]} (an optional header line starting with
 *       {@code file}); paths relative to the CSV's folder; several labels separated by {@code ;}
 *       make a multilabel task. The fold column, when present on every line, fixes the folds
 *       (distinct values sorted, numerically when all are integers, become fold00, fold01, ...).</li>
 * </ul>
 *
 * <p>Without given folds, clips are assigned per class (by their first label): each class's files
 * in name order are shuffled with {@link Options#seed()} and dealt round-robin over the folds, the
 * dealing continuing from class to class, so folds are stratified and equal in size to within one.
 * Output file names are the source paths relative to the source root with separators turned into
 * '_'. The task is a {@code new_split_kfold} scene task whose metric is top1_acc (multiclass) or
 * mAP (multilabel).
 *
 * <pre>{@code
 * TaskSummary s = TaskImporter.fromClassFolders(cpu, Path.of("drums"), Path.of("tasks/drums"),
 *         TaskImporter.Options.defaults("drums"));
 * }</pre>
 */
public final class TaskImporter {
    private TaskImporter() {
    }

    /**
     * Import settings.
     *
     * @param taskName task_name of the new task
     * @param folds    folds when the source does not fix them (at least 3)
     * @param seed     seed of the fold assignment
     * @param seconds  clip length to cut or pad to, or NaN to keep each clip's length
     * @param license  licence text recorded in the metadata
     * @param evaluation metric names for the metadata, first = primary; empty for the default
     *                 ({@code top1_acc}, or {@code mAP} when a clip has several labels)
     */
    public record Options(String taskName, int folds, long seed, double seconds, String license,
                          List<String> evaluation) {
        public Options {
            if (taskName == null || taskName.isBlank()) {
                throw new IllegalArgumentException("import: task name is empty");
            }
            if (folds < 3) {
                throw new IllegalArgumentException("import: folds is " + folds + ", expected at least 3");
            }
            if (!Double.isNaN(seconds) && !(seconds * LogMel.SAMPLE_RATE >= LogMel.MIN_SAMPLES)) {
                throw new IllegalArgumentException("import: seconds is " + seconds + ", expected at least "
                        + LogMel.MIN_SAMPLES / (double) LogMel.SAMPLE_RATE);
            }
            license = license == null ? "" : license;
            evaluation = evaluation == null ? List.of() : List.copyOf(evaluation);
        }

        /** Settings with the default metric. */
        public Options(String taskName, int folds, long seed, double seconds, String license) {
            this(taskName, folds, seed, seconds, license, List.of());
        }

        /** 5 folds, seed 0, clip lengths kept, licence unknown. */
        public static Options defaults(String taskName) {
            return new Options(taskName, 5, 0L, Double.NaN, "unknown");
        }
    }

    /** Produces one clip's audio when the task is written (a file read, a sample cut, a mix). */
    @FunctionalInterface
    public interface AudioLoader {
        /** The clip at its own rate; mono as {@link AudioClip} always is. */
        AudioClip load() throws IOException;
    }

    /**
     * One labelled clip whose fold its builder decided.
     *
     * @param name   output file name in the task ({@code .wav}, HEAR-safe: see {@link #flatName})
     * @param labels the clip's labels (one for multiclass tasks)
     * @param fold   the builder's fold key; distinct keys, sorted (numerically when all are
     *               integers), become fold00, fold01, ...
     * @param audio  how to get the audio
     */
    public record LabelledClip(String name, List<String> labels, String fold, AudioLoader audio) {
        public LabelledClip {
            labels = List.copyOf(labels);
        }
    }

    /** One source clip before fold assignment. */
    private record Source(Path file, String name, List<String> labels, String fold, AudioLoader audio) {
        Source(Path file, String name, List<String> labels, String fold) {
            this(file, name, labels, fold, () -> AudioFiles.read(file));
        }
    }

    /** A HEAR-safe output file name ({@code .wav}) from a relative source path or any text. */
    public static String flatName(String relative) {
        return TaskWriter.flatName(relative);
    }

    /**
     * Writes clips whose labels and folds a builder decided (the task builders of {@code
     * dev.ssam.tasks.debian}); {@code notes} are recorded in the summary.
     */
    public static TaskSummary fromClips(Backend backend, List<LabelledClip> clips, Path out, Options o, List<String> notes)
            throws IOException {
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("import: no clips for task " + o.taskName());
        }
        List<Source> sources = new ArrayList<>(clips.size());
        for (LabelledClip c : clips) {
            if (c.fold() == null) {
                throw new IllegalArgumentException("import: clip " + c.name() + " has no fold");
            }
            sources.add(new Source(Path.of(c.name()), c.name(), c.labels(), c.fold(), c.audio()));
        }
        return write(backend, sources, out, o, new ArrayList<>(notes));
    }

    /** Imports {@code src/<class>/...wav} into {@code out}. */
    public static TaskSummary fromClassFolders(Backend backend, Path src, Path out, Options o) throws IOException {
        if (!Files.isDirectory(src)) {
            throw new NoSuchFileException(src.toString(), null, "source folder does not exist");
        }
        List<Source> sources = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(src)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        if (classDirs.size() < 2) {
            throw new FileFormatException(src, "found " + classDirs.size()
                    + " class subfolders, expected at least 2 (one subfolder of WAV files per class)");
        }
        for (Path dir : classDirs) {
            String label = dir.getFileName().toString();
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            int wavs = 0;
            for (Path f : files) {
                if (AudioFiles.hasAudioExtension(f)) {
                    sources.add(new Source(f, TaskWriter.flatName(src.relativize(f).toString()), List.of(label), null));
                    wavs++;
                }
            }
            if (wavs == 0) {
                throw new FileFormatException(src, "class folder '" + label + "' has no .wav files (nor .flac or .ogg; empty class)");
            }
            if (wavs < files.size()) {
                notes.add("class '" + label + "': ignored " + (files.size() - wavs) + " non-audio files");
            }
        }
        return write(backend, sources, out, o, notes);
    }

    /** Imports the clips a {@code file,label[,fold]} CSV lists into {@code out}. */
    public static TaskSummary fromCsv(Backend backend, Path csv, Path out, Options o) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new NoSuchFileException(csv.toString(), null, "CSV file does not exist");
        }
        List<Csv.Row> rows;
        try {
            rows = Csv.parse(Files.readString(csv));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(csv, e.getMessage(), e);
        }
        Path root = csv.toAbsolutePath().getParent();
        List<Source> sources = new ArrayList<>();
        Boolean hasFold = null;
        for (Csv.Row r : rows) {
            List<String> f = r.fields();
            if (sources.isEmpty() && hasFold == null && f.getFirst().equalsIgnoreCase("file")) {
                continue;
            }
            if (f.size() < 2 || f.size() > 3) {
                throw new FileFormatException(csv, "line " + r.line() + " has " + f.size() + " fields, expected file,label[,fold]");
            }
            boolean fold = f.size() == 3 && !f.get(2).isEmpty();
            if (hasFold != null && hasFold != fold) {
                throw new FileFormatException(csv, "line " + r.line() + (fold ? " has" : " has no")
                        + " fold, unlike the lines before it: give a fold on every line or on none");
            }
            hasFold = fold;
            List<String> labels = new ArrayList<>(new LinkedHashSet<>(Arrays.stream(f.get(1).split(";")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList()));
            if (labels.isEmpty()) {
                throw new FileFormatException(csv, "line " + r.line() + " has no label");
            }
            Path file = root.resolve(f.getFirst()).normalize();
            if (!Files.isRegularFile(file)) {
                throw new FileFormatException(csv, "line " + r.line() + ": audio file '" + f.getFirst()
                        + "' does not exist (looked for " + file + ")");
            }
            String name = TaskWriter.flatName(root.relativize(file).toString());
            sources.add(new Source(file, name, labels, fold ? f.get(2) : null));
        }
        if (sources.isEmpty()) {
            throw new FileFormatException(csv, "lists no clips");
        }
        return write(backend, sources, out, o, new ArrayList<>());
    }

    private static TaskSummary write(Backend backend, List<Source> sources, Path out, Options o, List<String> notes)
            throws IOException {
        boolean multilabel = sources.stream().anyMatch(s -> s.labels().size() > 1);
        Map<String, List<Source>> byFold = assignFolds(sources, o);
        List<String> folds = new ArrayList<>(byFold.keySet());
        LinkedHashSet<String> labelSet = new LinkedHashSet<>();
        sources.forEach(s -> labelSet.addAll(s.labels()));
        if (labelSet.size() < 2) {
            throw new IllegalArgumentException("import: the clips have " + labelSet.size() + " class " + labelSet
                    + ", expected at least 2");
        }
        TaskWriter w = new TaskWriter(out, folds);
        Int2ObjectOpenHashMap<Resampler> resamplers = new Int2ObjectOpenHashMap<>();
        int target = (int) Math.round(o.seconds() * LogMel.SAMPLE_RATE);
        int longest = 0;
        int padded = 0;
        for (Map.Entry<String, List<Source>> e : byFold.entrySet()) {
            for (Source s : e.getValue()) {
                AudioClip clip = s.audio().load();
                float[] pcm = clip.sampleRate() == LogMel.SAMPLE_RATE ? clip.samples()
                        : resamplers.computeIfAbsent(clip.sampleRate(), r -> Resampler.of(r, LogMel.SAMPLE_RATE))
                        .apply(LogMel.frontEnd(backend), clip.samples());
                if (!Double.isNaN(o.seconds())) {
                    padded += pcm.length < target ? 1 : 0;
                    pcm = Arrays.copyOf(pcm, target);
                } else if (pcm.length < LogMel.MIN_SAMPLES) {
                    throw new FileFormatException(s.file(), "has " + pcm.length + " samples at 16 kHz, fewer than the "
                            + LogMel.MIN_SAMPLES + " the front end needs; pass a clip length (seconds) to pad clips");
                }
                longest = Math.max(longest, pcm.length);
                w.add(e.getKey(), s.name(), pcm, s.labels());
            }
        }
        if (padded > 0) {
            notes.add(padded + " clips shorter than " + o.seconds() + " s were zero-padded");
        }
        double duration = Double.isNaN(o.seconds()) ? longest / (double) LogMel.SAMPLE_RATE : o.seconds();
        TaskMetadata meta = new TaskMetadata(o.taskName(), "full", TaskMetadata.EmbeddingType.SCENE,
                multilabel ? TaskMetadata.PredictionType.MULTILABEL : TaskMetadata.PredictionType.MULTICLASS,
                TaskMetadata.NEW_SPLIT_KFOLD, folds, duration,
                o.evaluation().isEmpty() ? List.of(multilabel ? "mAP" : "top1_acc") : o.evaluation(), o.license());
        return w.finish(meta, HearTask.sortLabels(labelSet), notes);
    }

    /** Folds given by the source (sorted, renamed fold00..), or dealt per class as the class comment says. */
    private static Map<String, List<Source>> assignFolds(List<Source> sources, Options o) {
        Map<String, List<Source>> out = new LinkedHashMap<>();
        if (sources.getFirst().fold() != null) {
            List<String> given = HearTask.sortLabels(new LinkedHashSet<>(sources.stream().map(Source::fold).toList()));
            if (given.size() < 3) {
                throw new IllegalArgumentException("import: the fold column has " + given.size() + " distinct values "
                        + given + ", expected at least 3");
            }
            List<String> names = TaskMetadata.foldNames(given.size());
            for (String n : names) {
                out.put(n, new ArrayList<>());
            }
            for (Source s : sources) {
                out.get(names.get(given.indexOf(s.fold()))).add(s);
            }
            return out;
        }
        List<String> names = TaskMetadata.foldNames(o.folds());
        for (String n : names) {
            out.put(n, new ArrayList<>());
        }
        TreeMap<String, List<Source>> byClass = new TreeMap<>();
        for (Source s : sources) {
            byClass.computeIfAbsent(s.labels().getFirst(), k -> new ArrayList<>()).add(s);
        }
        SplittableRandom rng = new SplittableRandom(o.seed());
        int deal = 0;
        for (List<Source> cls : byClass.values()) {
            List<Source> order = new ArrayList<>(cls);
            order.sort((a, b) -> a.name().compareTo(b.name()));
            for (int i = order.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Source t = order.get(i);
                order.set(i, order.get(j));
                order.set(j, t);
            }
            for (Source s : order) {
                out.get(names.get(deal++ % names.size())).add(s);
            }
        }
        for (Map.Entry<String, List<Source>> e : out.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("import: " + sources.size() + " clips are too few for " + o.folds()
                        + " folds (" + e.getKey() + " would be empty)");
            }
        }
        return out;
    }
}
