package dev.ssam.tasks.hear;

import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntRBTreeSet;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A HEAR task folder, scene or event, read and checked once:
 *
 * <pre>
 *   task/task_metadata.json           {@link TaskMetadata}
 *   task/&lt;split&gt;.json                 scene: {"file.wav": ["label", ...], ...}  for every split
 *                                     event: {"file.wav": [{"label": "x", "start": 120.0, "end": 480.5}, ...], ...}
 *   task/labelvocabulary.csv          idx,label (optional; otherwise the sorted labels)
 *   task/16000/&lt;split&gt;/file.wav      the 16 kHz audio
 * </pre>
 *
 * <p>Event tasks ({@code embedding_type} "event") label timed events, start and end in
 * milliseconds from the start of the file, as hear-preprocess writes them; a file may have no
 * events. Their {@link Clip#classes()} are the classes of the clip's events, {@link
 * Clip#events()} the events in file order.
 *
 * <p>{@link #open} rejects, with a message naming the folder and the problem: a missing folder or
 * {@code task_metadata.json}, invalid metadata, a multiclass event task (HEAR event tasks are
 * multilabel), a missing or malformed split file, a split file whose name looks like a split but
 * is not listed in the metadata (unknown split), a label for an audio file that does not exist, a
 * multiclass clip without exactly one label, a scene label that is an event object and an event
 * that is not an object with a label and finite times 0 <= start <= end, an empty split, a label
 * missing from the vocabulary, and a class with no clips (empty class). Audio is not decoded here.
 *
 * <pre>{@code
 * HearTask task = HearTask.open(Path.of("tasks/esc50-v2.0.0-full"));
 * for (HearTask.Clip c : task.clips("fold00")) { ... c.audio() ... c.classes() ... }
 * List<DataSplit> runs = task.runs();
 * }</pre>
 */
public final class HearTask {
    /** The audio subfolder of a HEAR task at the rate the model consumes. */
    public static final String AUDIO_DIR = "16000";
    /** The metadata file name. */
    public static final String METADATA_FILE = "task_metadata.json";
    /** The label vocabulary file name. */
    public static final String VOCABULARY_FILE = "labelvocabulary.csv";

    private final Path dir;
    private final TaskMetadata metadata;
    private final List<String> labels;
    private final Map<String, List<Clip>> clips;

    /**
     * One labelled clip.
     *
     * @param split   the split it belongs to
     * @param file    its name in the split file
     * @param audio   the WAV file
     * @param classes class indices into {@link #labels()}, ascending
     * @param events  event tasks: the clip's events in file order; scene tasks: empty
     */
    public record Clip(String split, String file, Path audio, int[] classes, List<Event> events) {
        public Clip {
            events = List.copyOf(events);
        }

        /** A scene clip (no events). */
        public Clip(String split, String file, Path audio, int[] classes) {
            this(split, file, audio, classes, List.of());
        }
    }

    /**
     * One timed event of an event task.
     *
     * @param label   class index into {@link #labels()}
     * @param startMs onset in milliseconds from the start of the file
     * @param endMs   offset in milliseconds, at least {@code startMs}
     */
    public record Event(int label, double startMs, double endMs) {
    }

    /** A label as a split file gives it: the class name, and for events the times (NaN for scene labels). */
    private record RawLabel(String label, double start, double end) {
    }

    private HearTask(Path dir, TaskMetadata metadata, List<String> labels, Map<String, List<Clip>> clips) {
        this.dir = dir;
        this.metadata = metadata;
        this.labels = List.copyOf(labels);
        this.clips = clips;
    }

    /** Opens and checks the task in {@code dir} (see the class comment for what is rejected). */
    public static HearTask open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "task folder does not exist");
        }
        Path metaFile = dir.resolve(METADATA_FILE);
        if (!Files.isRegularFile(metaFile)) {
            throw new FileFormatException(dir, "missing " + METADATA_FILE + ": not a HEAR task folder (expected "
                    + METADATA_FILE + ", <split>.json and " + AUDIO_DIR + "/<split>/*.wav)");
        }
        TaskMetadata meta = TaskMetadata.read(metaFile);
        boolean event = meta.embeddingType() == TaskMetadata.EmbeddingType.EVENT;
        if (event && meta.predictionType() != TaskMetadata.PredictionType.MULTILABEL) {
            throw new FileFormatException(metaFile, "embedding_type \"event\" with prediction_type \""
                    + meta.predictionType().json() + "\": event tasks are multilabel (frames may hold several events)");
        }
        checkNoUnknownSplits(dir, meta);
        Path audioRoot = dir.resolve(AUDIO_DIR);
        if (!Files.isDirectory(audioRoot)) {
            throw new FileFormatException(dir, "missing audio folder " + AUDIO_DIR + "/ (16 kHz audio is expected under "
                    + AUDIO_DIR + "/<split>/)");
        }
        Map<String, Map<String, List<RawLabel>>> raw = new LinkedHashMap<>();
        for (String split : meta.splits()) {
            raw.put(split, readSplit(dir, split, meta.predictionType(), event));
        }
        List<String> vocabulary = vocabulary(dir, raw);
        Object2IntOpenHashMap<String> index = new Object2IntOpenHashMap<>();
        index.defaultReturnValue(-1);
        for (int i = 0; i < vocabulary.size(); i++) {
            index.put(vocabulary.get(i), i);
        }
        int[] perClass = new int[vocabulary.size()];
        Map<String, List<Clip>> clips = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<RawLabel>>> s : raw.entrySet()) {
            List<Clip> list = new ArrayList<>(s.getValue().size());
            for (Map.Entry<String, List<RawLabel>> e : s.getValue().entrySet()) {
                Path audio = audioRoot.resolve(s.getKey()).resolve(e.getKey());
                if (!Files.isRegularFile(audio)) {
                    throw new FileFormatException(dir, s.getKey() + ".json labels '" + e.getKey() + "' but the audio file "
                            + dir.relativize(audio) + " does not exist");
                }
                IntRBTreeSet cls = new IntRBTreeSet();
                List<Event> events = new ArrayList<>();
                for (RawLabel label : e.getValue()) {
                    int c = index.getInt(label.label());
                    if (c < 0) {
                        throw new FileFormatException(dir, s.getKey() + ".json labels '" + e.getKey() + "' as '" + label.label()
                                + "', which is not in " + VOCABULARY_FILE);
                    }
                    cls.add(c);
                    if (event) {
                        events.add(new Event(c, label.start(), label.end()));
                    }
                }
                int[] classes = cls.toIntArray();
                for (int c : classes) {
                    perClass[c]++;
                }
                list.add(new Clip(s.getKey(), e.getKey(), audio, classes, events));
            }
            clips.put(s.getKey(), Collections.unmodifiableList(list));
        }
        for (int c = 0; c < perClass.length; c++) {
            if (perClass[c] == 0) {
                throw new FileFormatException(dir, "class '" + vocabulary.get(c) + "' has no clips in any split (empty class)");
            }
        }
        return new HearTask(dir, meta, vocabulary, clips);
    }

    /** A {@code <name>.json} that names a split (train, valid, test, foldNN) must be listed in the metadata. */
    private static void checkNoUnknownSplits(Path dir, TaskMetadata meta) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!n.endsWith(".json") || n.equals(METADATA_FILE)) {
                    continue;
                }
                String split = n.substring(0, n.length() - ".json".length());
                boolean splitLike = split.equals("train") || split.equals("valid") || split.equals("test")
                        || split.matches("fold\\d+");
                if (splitLike && !meta.splits().contains(split)) {
                    throw new FileFormatException(dir, "unknown split '" + split + "': " + n + " is not one of the splits "
                            + meta.splits() + " that " + METADATA_FILE + " lists (split_mode " + meta.splitMode() + ")");
                }
            }
        }
    }

    private static Map<String, List<RawLabel>> readSplit(Path dir, String split, TaskMetadata.PredictionType type,
            boolean event) throws IOException {
        Path file = dir.resolve(split + ".json");
        if (!Files.isRegularFile(file)) {
            throw new FileFormatException(dir, "missing " + split + ".json for split '" + split + "' listed in " + METADATA_FILE);
        }
        Map<String, Object> json;
        try {
            json = Json.parseObject(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "not a JSON object of file name to label list: " + e.getMessage(), e);
        }
        if (json.isEmpty()) {
            throw new FileFormatException(file, "split '" + split + "' has no clips");
        }
        Map<String, List<RawLabel>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (!(e.getValue() instanceof List<?> list)) {
                throw new FileFormatException(file, "'" + e.getKey() + "' maps to " + Json.write(e.getValue())
                        + (event ? ", expected a list of events" : ", expected a list of labels"));
            }
            List<RawLabel> labels = new ArrayList<>(list.size());
            for (Object o : list) {
                if (event) {
                    labels.add(eventLabel(file, e.getKey(), o));
                } else if (o instanceof String || o instanceof Number) {
                    labels.add(new RawLabel(labelString(o), Double.NaN, Double.NaN));
                } else {
                    throw new FileFormatException(file, "'" + e.getKey() + "' has label " + Json.write(o)
                            + ", expected a string or a number (event labels with onsets need an event task)");
                }
            }
            if (!event && type == TaskMetadata.PredictionType.MULTICLASS
                    && new LinkedHashSet<>(labels.stream().map(RawLabel::label).toList()).size() != 1) {
                throw new FileFormatException(file, "'" + e.getKey() + "' has " + labels.size() + " labels "
                        + labels.stream().map(RawLabel::label).toList() + ", expected exactly one in a multiclass task");
            }
            out.put(e.getKey(), labels);
        }
        return out;
    }

    /** One event object {"label": ..., "start": ms, "end": ms} of {@code clip}. */
    private static RawLabel eventLabel(Path file, String clip, Object o) throws FileFormatException {
        if (!(o instanceof Map<?, ?> m) || !(m.get("label") instanceof String || m.get("label") instanceof Number)
                || !(m.get("start") instanceof Number start) || !(m.get("end") instanceof Number end)) {
            throw new FileFormatException(file, "'" + clip + "' has event " + Json.write(o)
                    + ", expected {\"label\": name, \"start\": ms, \"end\": ms} in an event task");
        }
        double s = start.doubleValue();
        double t = end.doubleValue();
        if (!Double.isFinite(s) || !Double.isFinite(t) || s < 0 || t < s) {
            throw new FileFormatException(file, "'" + clip + "' has event " + Json.write(o)
                    + " with start " + s + " ms and end " + t + " ms, expected finite times with 0 <= start <= end");
        }
        return new RawLabel(labelString(m.get("label")), s, t);
    }

    /** Labels as HEAR stores them: strings, or numbers written without a trailing ".0". */
    private static String labelString(Object o) {
        if (o instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return o.toString();
    }

    private static List<String> vocabulary(Path dir, Map<String, Map<String, List<RawLabel>>> raw) throws IOException {
        Path file = dir.resolve(VOCABULARY_FILE);
        if (Files.isRegularFile(file)) {
            return readVocabulary(file);
        }
        Set<String> all = new LinkedHashSet<>();
        for (Map<String, List<RawLabel>> s : raw.values()) {
            for (List<RawLabel> l : s.values()) {
                for (RawLabel r : l) {
                    all.add(r.label());
                }
            }
        }
        return sortLabels(all);
    }

    /** Numeric order when every label is an integer (MIDI pitches), else string order. */
    public static List<String> sortLabels(Iterable<String> labels) {
        List<String> list = new ArrayList<>();
        boolean numeric = true;
        for (String s : labels) {
            list.add(s);
            numeric &= s.matches("-?\\d{1,18}");
        }
        if (numeric) {
            list.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        } else {
            list.sort(null);
        }
        return list;
    }

    private static List<String> readVocabulary(Path file) throws IOException {
        List<Csv.Row> rows;
        try {
            rows = Csv.parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, e.getMessage(), e);
        }
        List<String> labels = new ArrayList<>();
        for (Csv.Row r : rows) {
            if (r.line() == 1 && r.fields().size() >= 2 && r.fields().get(0).equals("idx")) {
                continue;
            }
            if (r.fields().size() < 2) {
                throw new FileFormatException(file, "line " + r.line() + " has " + r.fields().size() + " fields, expected idx,label");
            }
            if (!r.fields().get(0).equals(Integer.toString(labels.size()))) {
                throw new FileFormatException(file, "line " + r.line() + " has idx '" + r.fields().get(0) + "', expected "
                        + labels.size() + " (indices run 0, 1, 2, ...)");
            }
            labels.add(r.fields().get(1));
        }
        if (labels.isEmpty()) {
            throw new FileFormatException(file, "no labels");
        }
        return labels;
    }

    public Path dir() {
        return dir;
    }

    public TaskMetadata metadata() {
        return metadata;
    }

    /** The task name from the metadata. */
    public String name() {
        return metadata.taskName();
    }

    /** The class labels; class i is {@code labels().get(i)}. */
    public List<String> labels() {
        return labels;
    }

    /** The split names, as the metadata lists them. */
    public List<String> splits() {
        return metadata.splits();
    }

    /** The clips of {@code split}, in split-file order. */
    public List<Clip> clips(String split) {
        List<Clip> c = clips.get(split);
        if (c == null) {
            throw new IllegalArgumentException("task '" + name() + "': unknown split '" + split + "', expected one of "
                    + metadata.splits());
        }
        return c;
    }

    /** Whether the task labels timed events ({@code embedding_type} "event"). */
    public boolean isEvent() {
        return metadata.embeddingType() == TaskMetadata.EmbeddingType.EVENT;
    }

    /** The protocol's training runs ({@link DataSplit#of}). */
    public List<DataSplit> runs() {
        return DataSplit.of(metadata);
    }

    /** Clips over all splits. */
    public int size() {
        int n = 0;
        for (List<Clip> c : clips.values()) {
            n += c.size();
        }
        return n;
    }
}
