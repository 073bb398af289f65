package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;

import java.util.List;
import java.util.Optional;

/**
 * The metric names a HEAR {@code task_metadata.json} lists under {@code evaluation} that this
 * evaluator computes ({@link Metrics} has the definitions). Others (d_prime, aucroc, the event
 * scores) are reported as skipped.
 *
 * <pre>{@code
 * Metric m = Metric.fromKey("top1_acc").orElseThrow();
 * double acc = m.score(probs, targets, null);
 * }</pre>
 */
public enum Metric {
    /** top-1 accuracy */
    TOP1_ACC("top1_acc"),
    /** top-1 accuracy over MIDI pitch classes (NSynth pitch) */
    PITCH_ACC("pitch_acc"),
    /** accuracy of the pitch class (argmax pitch mod 12) */
    CHROMA_ACC("chroma_acc"),
    /** macro mean average precision */
    MAP("mAP");

    private final String key;

    Metric(String key) {
        this.key = key;
    }

    /** The name as task metadata writes it. */
    public String key() {
        return key;
    }

    /** The metric of a metadata name, if supported. */
    public static Optional<Metric> fromKey(String key) {
        for (Metric m : values()) {
            if (m.key.equals(key)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Supported metric names. */
    public static List<String> keys() {
        return java.util.Arrays.stream(values()).map(Metric::key).toList();
    }

    /**
     * The score of {@code scores (N, C)} against {@code targets (N, C)}; {@code pitches} (MIDI pitch
     * of each class) is needed by {@link #CHROMA_ACC} only.
     */
    public double score(Tensor scores, Tensor targets, int[] pitches) {
        return switch (this) {
            case TOP1_ACC, PITCH_ACC -> Metrics.top1(scores, targets);
            case CHROMA_ACC -> {
                if (pitches == null) {
                    throw new IllegalArgumentException("chroma_acc: the class labels are not integer MIDI pitches");
                }
                yield Metrics.chroma(scores, targets, pitches);
            }
            case MAP -> Metrics.meanAveragePrecision(scores, targets);
        };
    }
}
