package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;

import java.util.Arrays;

/**
 * The scene metrics of hear-eval-kit ({@code heareval/score.py}) over probabilities
 * {@code scores: (N, C)} and multi-hot targets {@code targets: (N, C)}, C fastest.
 *
 * <ul>
 *   <li>{@link #top1}: fraction of rows whose first argmax of the scores is the first argmax of the
 *       targets ({@code Top1Accuracy}; {@code pitch_acc} is the same function).</li>
 *   <li>{@link #chroma}: the same with both classes mapped to pitch class, MIDI pitch mod 12
 *       ({@code ChromaAccuracy}). Deviation: the kit takes the class <em>index</em> mod 12, which is
 *       the pitch class only when the vocabulary's indices are offset from the pitches by a
 *       multiple of 12; here the integer labels themselves are used.</li>
 *   <li>{@link #meanAveragePrecision}: average precision per class, averaged over the classes
 *       that have at least one positive ({@code MeanAveragePrecision}, scikit-learn's
 *       {@code average_precision_score(average="macro")}). Per class, with thresholds at the
 *       distinct scores in descending order, AP = sum_k (R_k - R_(k-1)) P_k, tied scores
 *       forming one threshold. Deviation: scikit-learn counts a class with no positives as 0
 *       (recall set to 1 with a warning); it is left out here.</li>
 * </ul>
 *
 * <pre>{@code
 * double acc = Metrics.top1(probs, targets);
 * double map = Metrics.meanAveragePrecision(probs, targets);
 * }</pre>
 */
public final class Metrics {
    private Metrics() {
    }

    private static void check(String op, Tensor scores, Tensor targets) {
        if (scores.rank() != 2 || !scores.sameShape(targets) || scores.dim(0) == 0) {
            throw new IllegalArgumentException(op + ": scores are " + scores.shapeString() + " and targets "
                    + targets.shapeString() + ", expected the same (N, C) shape with N >= 1");
        }
    }

    /** Index of the first maximum of row {@code i}. */
    static int argmax(Tensor t, int i) {
        int c = t.dim(1);
        float[] d = t.data();
        int o = t.offset() + i * c;
        int best = 0;
        for (int k = 1; k < c; k++) {
            if (d[o + k] > d[o + best]) {
                best = k;
            }
        }
        return best;
    }

    /** Top-1 accuracy. */
    public static double top1(Tensor scores, Tensor targets) {
        check("top1", scores, targets);
        int n = scores.dim(0);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (argmax(scores, i) == argmax(targets, i)) {
                correct++;
            }
        }
        return correct / (double) n;
    }

    /** Chroma accuracy: {@code pitchOfClass[c]} is the MIDI pitch of class c. */
    public static double chroma(Tensor scores, Tensor targets, int[] pitchOfClass) {
        check("chroma", scores, targets);
        if (pitchOfClass.length != scores.dim(1)) {
            throw new IllegalArgumentException("chroma: " + pitchOfClass.length + " pitches for " + scores.dim(1) + " classes");
        }
        int n = scores.dim(0);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (Math.floorMod(pitchOfClass[argmax(scores, i)], 12) == Math.floorMod(pitchOfClass[argmax(targets, i)], 12)) {
                correct++;
            }
        }
        return correct / (double) n;
    }

    /** Macro mAP over the classes with positives; NaN when no class has a positive. */
    public static double meanAveragePrecision(Tensor scores, Tensor targets) {
        check("meanAveragePrecision", scores, targets);
        int n = scores.dim(0);
        int c = scores.dim(1);
        double sum = 0;
        int counted = 0;
        float[] s = new float[n];
        boolean[] pos = new boolean[n];
        for (int k = 0; k < c; k++) {
            boolean any = false;
            for (int i = 0; i < n; i++) {
                s[i] = scores.data()[scores.offset() + i * c + k];
                pos[i] = targets.data()[targets.offset() + i * c + k] > 0.5f;
                any |= pos[i];
            }
            if (any) {
                sum += averagePrecision(s, pos);
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * Average precision of one class: scores and whether each row is a positive (at least one).
     * Thresholds at the distinct scores, high to low; AP = sum (R_k - R_(k-1)) P_k.
     */
    public static double averagePrecision(float[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            positives += positive[i] ? 1 : 0;
        }
        if (positives == 0) {
            throw new IllegalArgumentException("averagePrecision: no positive row");
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        double ap = 0;
        int tp = 0;
        int seen = 0;
        double prevRecall = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            // one threshold: every row tied at this score
            while (j < n && Float.compare(scores[order[j]], scores[order[i]]) == 0) {
                tp += positive[order[j]] ? 1 : 0;
                j++;
            }
            seen = j;
            double recall = tp / (double) positives;
            double precision = tp / (double) seen;
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
            i = j;
        }
        return ap;
    }

    /** Confusion counts {@code [true class][predicted class]} of single-label rows. */
    public static int[][] confusion(Tensor scores, Tensor targets) {
        check("confusion", scores, targets);
        int c = scores.dim(1);
        int[][] m = new int[c][c];
        for (int i = 0; i < scores.dim(0); i++) {
            m[argmax(targets, i)][argmax(scores, i)]++;
        }
        return m;
    }
}
