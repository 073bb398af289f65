package dev.ssam.tasks.hear;

import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.ops.audio.WavWriter;
import dev.ssam.runtime.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a HEAR task folder: 16-bit 16 kHz WAV files under {@code 16000/<split>/}, one
 * {@code <split>.json} per split (clips in the order they were added; scene labels as lists of
 * names, event labels as lists of {@code {"label", "start", "end"}} objects in milliseconds),
 * {@code labelvocabulary.csv} and {@code task_metadata.json}. The same calls give the same bytes.
 */
final class TaskWriter {
    private final Path dir;
    private final Map<String, Map<String, Object>> splits = new LinkedHashMap<>();

    /** One timed label of an event task: {@code label} from {@code startMs} to {@code endMs}. */
    record TimedLabel(String label, double startMs, double endMs) {
    }

    /** Starts a task in {@code dir}, which must not exist or be an empty folder. */
    TaskWriter(Path dir, List<String> splitNames) throws IOException {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new FileAlreadyExistsException(dir.toString(), null, "exists and is not a folder");
            }
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new FileAlreadyExistsException(dir.toString(), null,
                            "output folder is not empty; choose a new folder so no task is overwritten");
                }
            }
        }
        this.dir = dir;
        for (String s : splitNames) {
            splits.put(s, new LinkedHashMap<>());
            Files.createDirectories(dir.resolve(HearTask.AUDIO_DIR).resolve(s));
        }
    }

    /** Writes one clip of 16 kHz mono samples into {@code split} as {@code file}. */
    void add(String split, String file, float[] pcm16k, List<String> labels) throws IOException {
        put(split, file, pcm16k, List.copyOf(labels));
    }

    /** Writes one clip of an event task with its events (times in milliseconds). */
    void addEvents(String split, String file, float[] pcm16k, List<TimedLabel> events) throws IOException {
        List<Map<String, Object>> list = new java.util.ArrayList<>(events.size());
        for (TimedLabel e : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", e.label());
            m.put("start", e.startMs());
            m.put("end", e.endMs());
            list.add(m);
        }
        put(split, file, pcm16k, list);
    }

    private void put(String split, String file, float[] pcm16k, Object labels) throws IOException {
        Map<String, Object> s = splits.get(split);
        if (s == null) {
            throw new IllegalArgumentException("TaskWriter: unknown split '" + split + "', expected one of " + splits.keySet());
        }
        for (Map<String, Object> other : splits.values()) {
            if (other.containsKey(file)) {
                throw new IllegalArgumentException("TaskWriter: file name '" + file + "' is used twice");
            }
        }
        WavWriter.write(dir.resolve(HearTask.AUDIO_DIR).resolve(split).resolve(file), pcm16k, 1, 16_000, WavEncoding.PCM_S16);
        s.put(file, labels);
    }

    /** Clips added to {@code split} so far. */
    int count(String split) {
        return splits.get(split).size();
    }

    /** Writes the split files, the vocabulary and the metadata; returns the summary. */
    TaskSummary finish(TaskMetadata meta, List<String> vocabulary, List<String> notes) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : splits.entrySet()) {
            Files.writeString(dir.resolve(e.getKey() + ".json"), Json.write(e.getValue()) + "\n", StandardCharsets.UTF_8);
            counts.put(e.getKey(), e.getValue().size());
        }
        StringBuilder csv = new StringBuilder("idx,label\n");
        for (int i = 0; i < vocabulary.size(); i++) {
            csv.append(i).append(',').append(Csv.field(vocabulary.get(i))).append('\n');
        }
        Files.writeString(dir.resolve(HearTask.VOCABULARY_FILE), csv, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(HearTask.METADATA_FILE), meta.toJson(), StandardCharsets.UTF_8);
        return new TaskSummary(dir, meta, vocabulary, counts, notes);
    }

    /** A HEAR-safe file name from a relative source path: separators and odd characters become '_'. */
    static String flatName(String relative) {
        String base = relative.replace('\\', '/');
        int dot = base.lastIndexOf('.');
        String stem = dot > base.lastIndexOf('/') && dot > 0 ? base.substring(0, dot) : base;
        return stem.replaceAll("[^A-Za-z0-9._-]", "_") + ".wav";
    }
}
