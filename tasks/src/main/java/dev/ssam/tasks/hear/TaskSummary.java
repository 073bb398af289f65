package dev.ssam.tasks.hear;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a task builder or importer wrote.
 *
 * @param dir           the task folder
 * @param metadata      its metadata
 * @param labels        the class labels, in vocabulary order
 * @param clipsPerSplit clips written per split, in split order
 * @param notes         things the caller should know (files ignored, clips padded), empty when none
 */
public record TaskSummary(Path dir, TaskMetadata metadata, List<String> labels, Map<String, Integer> clipsPerSplit,
                          List<String> notes) {
    public TaskSummary {
        labels = List.copyOf(labels);
        clipsPerSplit = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clipsPerSplit));
        notes = List.copyOf(notes);
    }

    /** Clips over all splits. */
    public int clips() {
        return clipsPerSplit.values().stream().mapToInt(Integer::intValue).sum();
    }
}
