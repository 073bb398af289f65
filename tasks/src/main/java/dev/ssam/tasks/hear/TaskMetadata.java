package dev.ssam.tasks.hear;

import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code task_metadata.json} of a HEAR task folder, with the keys hear-preprocess writes:
 * {@code task_name}, {@code mode}, {@code embedding_type} ({@code scene} | {@code event}),
 * {@code prediction_type} ({@code multiclass} | {@code multilabel}), {@code split_mode}
 * ({@code trainvaltest}, or a k-fold mode: {@code new_split_kfold}, {@code presplit_kfold}),
 * {@code nfolds}, {@code splits}, {@code sample_duration} (seconds), {@code evaluation} (metric
 * names, the first is the one model selection uses) and {@code license}. Other keys are ignored.
 *
 * <p>Splits: {@code splits} when present, else derived from {@code split_mode}: {@code train},
 * {@code valid}, {@code test} for {@code trainvaltest}; {@code fold00} .. {@code fold(nfolds-1)} for
 * k-fold modes. A trainvaltest task must have exactly those three splits; a k-fold task at least
 * three {@code foldNN} splits (test, validation and at least one training fold).
 *
 * <pre>{@code
 * TaskMetadata m = TaskMetadata.read(Path.of("esc50/task_metadata.json"));
 * m.splits();        // [fold00, fold01, fold02, fold03, fold04]
 * m.evaluation();    // [top1_acc]
 * }</pre>
 *
 * @param taskName       task_name
 * @param mode           mode ("full" unless stated)
 * @param embeddingType  scene or event
 * @param predictionType multiclass or multilabel
 * @param splitMode      split_mode as written
 * @param splits         the split names, in file order
 * @param sampleDuration sample_duration in seconds, NaN when absent
 * @param evaluation     metric names as written, first = primary
 * @param license        license, "" when absent
 */
public record TaskMetadata(String taskName, String mode, EmbeddingType embeddingType, PredictionType predictionType,
                           String splitMode, List<String> splits, double sampleDuration, List<String> evaluation,
                           String license) {

    /** The split mode of tasks with fixed train, valid and test splits. */
    public static final String TRAIN_VAL_TEST = "trainvaltest";
    /** The split mode of the generated and imported k-fold tasks. */
    public static final String NEW_SPLIT_KFOLD = "new_split_kfold";

    private static final Pattern FOLD = Pattern.compile("fold\\d{2}");
    private static final List<String> TRAIN_VAL_TEST_SPLITS = List.of("train", "valid", "test");

    /** What the task labels: the whole clip (scene) or timed events. */
    public enum EmbeddingType {
        /** one label set per clip */
        SCENE,
        /** labels with onset and offset inside the clip */
        EVENT;

        /** The JSON spelling. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Single-label or multi-label targets. */
    public enum PredictionType {
        /** exactly one label per clip (softmax cross-entropy) */
        MULTICLASS,
        /** any number of labels per clip (sigmoid binary cross-entropy) */
        MULTILABEL;

        /** The JSON spelling. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TaskMetadata {
        if (taskName == null || taskName.isBlank()) {
            throw new IllegalArgumentException("task metadata: task_name is empty");
        }
        if (embeddingType == null || predictionType == null || splitMode == null) {
            throw new IllegalArgumentException("task metadata: embedding_type, prediction_type and split_mode are required");
        }
        splits = List.copyOf(splits);
        evaluation = List.copyOf(evaluation);
        if (evaluation.isEmpty()) {
            throw new IllegalArgumentException("task metadata: evaluation lists no metric, expected e.g. [\"top1_acc\"]");
        }
        mode = mode == null ? "full" : mode;
        license = license == null ? "" : license;
        checkSplits(splitMode, splits);
    }

    private static void checkSplits(String splitMode, List<String> splits) {
        if (splits.size() != new java.util.HashSet<>(splits).size()) {
            throw new IllegalArgumentException("task metadata: splits " + splits + " repeat a name");
        }
        if (splitMode.equals(TRAIN_VAL_TEST)) {
            if (!new java.util.HashSet<>(splits).equals(new java.util.HashSet<>(TRAIN_VAL_TEST_SPLITS))) {
                throw new IllegalArgumentException("task metadata: split_mode trainvaltest needs splits [train, valid, test], found "
                        + splits);
            }
            return;
        }
        for (String s : splits) {
            if (!FOLD.matcher(s).matches()) {
                throw new IllegalArgumentException("task metadata: unknown split '" + s + "' for split_mode " + splitMode
                        + ", expected fold00, fold01, ...");
            }
        }
        if (splits.size() < 3) {
            throw new IllegalArgumentException("task metadata: split_mode " + splitMode + " has " + splits.size()
                    + " folds " + splits + ", expected at least 3 (test, validation, training)");
        }
    }

    /** Whether the task rotates over folds (anything but trainvaltest). */
    public boolean kfold() {
        return !splitMode.equals(TRAIN_VAL_TEST);
    }

    /** The primary metric name: the first of {@link #evaluation()}. */
    public String primaryMetric() {
        return evaluation.getFirst();
    }

    /** Reads and validates a {@code task_metadata.json}; every problem names the file. */
    public static TaskMetadata read(Path file) throws IOException {
        Map<String, Object> json;
        try {
            json = Json.parseObject(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "not valid JSON: " + e.getMessage(), e);
        }
        try {
            return fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, e.getMessage(), e);
        }
    }

    /** Builds the metadata from a parsed JSON object (see the class comment for the keys). */
    public static TaskMetadata fromJson(Map<String, Object> json) {
        String name = string(json, "task_name", true);
        EmbeddingType et = switch (string(json, "embedding_type", true)) {
            case "scene" -> EmbeddingType.SCENE;
            case "event" -> EmbeddingType.EVENT;
            default -> throw new IllegalArgumentException("task metadata: embedding_type is '" + json.get("embedding_type")
                    + "', expected scene or event");
        };
        PredictionType pt = switch (string(json, "prediction_type", true)) {
            case "multiclass" -> PredictionType.MULTICLASS;
            case "multilabel" -> PredictionType.MULTILABEL;
            default -> throw new IllegalArgumentException("task metadata: prediction_type is '" + json.get("prediction_type")
                    + "', expected multiclass or multilabel");
        };
        String splitMode = string(json, "split_mode", true);
        List<String> splits = json.containsKey("splits") ? strings(json, "splits") : derivedSplits(splitMode, json);
        double duration = json.get("sample_duration") instanceof Number n ? n.doubleValue() : Double.NaN;
        return new TaskMetadata(name, string(json, "mode", false), et, pt, splitMode, splits, duration,
                strings(json, "evaluation"), string(json, "license", false));
    }

    private static List<String> derivedSplits(String splitMode, Map<String, Object> json) {
        if (splitMode.equals(TRAIN_VAL_TEST)) {
            return TRAIN_VAL_TEST_SPLITS;
        }
        if (!(json.get("nfolds") instanceof Number n) || n.intValue() <= 0) {
            throw new IllegalArgumentException("task metadata: split_mode " + splitMode
                    + " needs \"splits\" or a positive \"nfolds\"");
        }
        return foldNames(n.intValue());
    }

    /** {@code fold00} .. {@code fold(k-1)}. */
    public static List<String> foldNames(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            names.add(String.format(Locale.ROOT, "fold%02d", i));
        }
        return names;
    }

    private static String string(Map<String, Object> json, String key, boolean required) {
        Object v = json.get(key);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("task metadata: key \"" + key + "\" is missing");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("task metadata: \"" + key + "\" is " + Json.write(v) + ", expected a string");
        }
        return s;
    }

    private static List<String> strings(Map<String, Object> json, String key) {
        Object v = json.get(key);
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("task metadata: \"" + key + "\" is "
                    + (v == null ? "missing" : Json.write(v)) + ", expected a list of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("task metadata: \"" + key + "\" holds " + Json.write(o) + ", expected strings");
            }
            out.add(s);
        }
        return out;
    }

    /** The JSON text, one key per line, in the order hear-preprocess writes them. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task_name", taskName);
        m.put("mode", mode);
        m.put("embedding_type", embeddingType.json());
        m.put("prediction_type", predictionType.json());
        m.put("split_mode", splitMode);
        if (kfold()) {
            m.put("nfolds", (long) splits.size());
        }
        m.put("splits", splits);
        if (!Double.isNaN(sampleDuration)) {
            m.put("sample_duration", sampleDuration);
        }
        m.put("sample_rate", 16_000L);
        m.put("evaluation", evaluation);
        m.put("license", license);
        StringBuilder b = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            b.append("    ").append(Json.write(e.getKey())).append(": ").append(Json.write(e.getValue()));
            b.append(++i < m.size() ? ",\n" : "\n");
        }
        return b.append("}\n").toString();
    }
}
