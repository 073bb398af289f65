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
 * names, the first is the one model selection uses), {@code license} and, for event tasks,
 * {@code evaluation_params.event_postprocessing_grid} ({@link PostprocessingGrid}). Other keys
 * (and other keys of {@code evaluation_params}) are ignored.
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
 * m.effectivePostprocessingGrid(); // the task's event grid, or PostprocessingGrid.HEAR_DEFAULT
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
 * @param eventPostprocessingGrid evaluation_params.event_postprocessing_grid; null when absent
 *                       ({@link #effectivePostprocessingGrid()} then gives the kit's default)
 */
public record TaskMetadata(String taskName, String mode, EmbeddingType embeddingType, PredictionType predictionType,
                           String splitMode, List<String> splits, double sampleDuration, List<String> evaluation,
                           String license, PostprocessingGrid eventPostprocessingGrid) {

    /** The split mode of tasks with fixed train, valid and test splits. */
    public static final String TRAIN_VAL_TEST = "trainvaltest";
    /** The split mode of the generated and imported k-fold tasks. */
    public static final String NEW_SPLIT_KFOLD = "new_split_kfold";

    /** The metadata key that holds hear-eval-kit's evaluation settings. */
    public static final String EVALUATION_PARAMS = "evaluation_params";
    /** The key of the event postprocessing grid inside {@value #EVALUATION_PARAMS}. */
    public static final String POSTPROCESSING_GRID = "event_postprocessing_grid";

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

    /**
     * hear-eval-kit's search space for turning frame probabilities into events
     * ({@code evaluation_params.event_postprocessing_grid} in {@code task_metadata.json}, e.g.
     * {@code {"median_filter_ms": [250], "min_duration": [125, 250]}}): every median filter length
     * is tried with every minimum event duration, both in milliseconds, and validation picks one.
     * The kit passes the grid's keys to {@code create_events_from_prediction} as keyword
     * arguments, so these two are the only keys it accepts; here both are required.
     *
     * @param medianFilterMs median_filter_ms values in file order (non-empty, finite, >= 0; 0: no filter)
     * @param minDurationMs  min_duration values in file order (non-empty, finite, >= 0)
     */
    public record PostprocessingGrid(List<Double> medianFilterMs, List<Double> minDurationMs) {
        /** The JSON key of the median filter lengths. */
        public static final String MEDIAN_FILTER_MS = "median_filter_ms";
        /** The JSON key of the minimum event durations. */
        public static final String MIN_DURATION = "min_duration";
        /** The kit's {@code EVENT_POSTPROCESSING_GRID}, used by tasks that give no grid of their own. */
        public static final PostprocessingGrid HEAR_DEFAULT = new PostprocessingGrid(List.of(250.0), List.of(125.0, 250.0));

        public PostprocessingGrid {
            medianFilterMs = checkValues(MEDIAN_FILTER_MS, medianFilterMs);
            minDurationMs = checkValues(MIN_DURATION, minDurationMs);
        }

        private static List<Double> checkValues(String key, List<Double> values) {
            if (values == null || values.isEmpty()) {
                throw new IllegalArgumentException("task metadata: \"" + gridKey(key) + "\" is "
                        + (values == null ? "missing" : "empty") + ", expected a non-empty list of milliseconds >= 0");
            }
            for (Double v : values) {
                if (v == null || !Double.isFinite(v) || v < 0) {
                    throw new IllegalArgumentException("task metadata: \"" + gridKey(key) + "\" holds " + v
                            + ", expected milliseconds >= 0");
                }
            }
            return List.copyOf(values);
        }

        /** The grid of a parsed {@code event_postprocessing_grid} value. */
        static PostprocessingGrid fromJson(Object value) {
            if (!(value instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("task metadata: \"" + EVALUATION_PARAMS + "." + POSTPROCESSING_GRID + "\" is "
                        + Json.write(value) + ", expected an object {\"" + MEDIAN_FILTER_MS + "\": [...], \"" + MIN_DURATION
                        + "\": [...]}");
            }
            for (Object k : map.keySet()) {
                if (!k.equals(MEDIAN_FILTER_MS) && !k.equals(MIN_DURATION)) {
                    throw new IllegalArgumentException("task metadata: \"" + gridKey(String.valueOf(k))
                            + "\" is not a postprocessing parameter, expected only " + MEDIAN_FILTER_MS + " and " + MIN_DURATION);
                }
            }
            return new PostprocessingGrid(numbers(map, MEDIAN_FILTER_MS), numbers(map, MIN_DURATION));
        }

        private static List<Double> numbers(Map<?, ?> map, String key) {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof List<?> list)) {
                throw new IllegalArgumentException("task metadata: \"" + gridKey(key) + "\" is " + Json.write(v)
                        + ", expected a non-empty list of milliseconds >= 0");
            }
            List<Double> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof Number n)) {
                    throw new IllegalArgumentException("task metadata: \"" + gridKey(key) + "\" holds " + Json.write(o)
                            + ", expected numbers (milliseconds >= 0)");
                }
                out.add(n.doubleValue());
            }
            return out;
        }

        private static String gridKey(String key) {
            return EVALUATION_PARAMS + "." + POSTPROCESSING_GRID + "." + key;
        }

        /** The JSON object, as the kit's task configurations write it. */
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(MEDIAN_FILTER_MS, medianFilterMs);
            m.put(MIN_DURATION, minDurationMs);
            return m;
        }

        /** One line for notes: {@code median_filter_ms [250] x min_duration [125, 250]}. */
        public String summary() {
            return MEDIAN_FILTER_MS + " " + plain(medianFilterMs) + " x " + MIN_DURATION + " " + plain(minDurationMs);
        }

        private static String plain(List<Double> values) {
            return values.stream().map(v -> java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString())
                    .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }
    }

    /** Metadata without an event postprocessing grid of its own (the callers before the grid was read). */
    public TaskMetadata(String taskName, String mode, EmbeddingType embeddingType, PredictionType predictionType,
                        String splitMode, List<String> splits, double sampleDuration, List<String> evaluation,
                        String license) {
        this(taskName, mode, embeddingType, predictionType, splitMode, splits, sampleDuration, evaluation, license, null);
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

    /** The task's event postprocessing grid, or {@link PostprocessingGrid#HEAR_DEFAULT} when it gives none. */
    public PostprocessingGrid effectivePostprocessingGrid() {
        return eventPostprocessingGrid == null ? PostprocessingGrid.HEAR_DEFAULT : eventPostprocessingGrid;
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
                strings(json, "evaluation"), string(json, "license", false), postprocessingGrid(json));
    }

    /** {@code evaluation_params.event_postprocessing_grid}, null when absent; where the kit reads it, nowhere else. */
    private static PostprocessingGrid postprocessingGrid(Map<String, Object> json) {
        if (json.containsKey(POSTPROCESSING_GRID)) {
            throw new IllegalArgumentException("task metadata: \"" + POSTPROCESSING_GRID + "\" is a top-level key; hear-eval-kit reads it"
                    + " only inside \"" + EVALUATION_PARAMS + "\", expected {\"" + EVALUATION_PARAMS + "\": {\"" + POSTPROCESSING_GRID
                    + "\": {...}}}");
        }
        if (!json.containsKey(EVALUATION_PARAMS)) {
            return null;
        }
        Object params = json.get(EVALUATION_PARAMS);
        if (!(params instanceof Map<?, ?> p)) {
            throw new IllegalArgumentException("task metadata: \"" + EVALUATION_PARAMS + "\" is " + Json.write(params)
                    + ", expected an object");
        }
        return p.containsKey(POSTPROCESSING_GRID) ? PostprocessingGrid.fromJson(p.get(POSTPROCESSING_GRID)) : null;
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
        if (eventPostprocessingGrid != null) {
            m.put(EVALUATION_PARAMS, Map.of(POSTPROCESSING_GRID, eventPostprocessingGrid.toJson()));
        }
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
