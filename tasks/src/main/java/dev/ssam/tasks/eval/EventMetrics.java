package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;
import dev.ssam.tasks.hear.HearTask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Frame predictions to events, and the event-based onset F-measure, as hear-eval-kit computes
 * them for event tasks ({@code heareval/predictions/task_predictions.py} and {@code score.py},
 * which calls sed_eval's {@code EventBasedMetrics}).
 *
 * <ul>
 *   <li>{@link #frameTargets}: a frame at time t carries every event with start <= t < end +
 *       0.0001 ms (the kit's interval tree over {@code [start, end + 0.0001)}).</li>
 *   <li>{@link #events} ({@code create_events_from_prediction}): per class, a median filter of
 *       width w = rint(median_ms / mean frame spacing) frames (scipy's {@code median_filter} with
 *       mode "reflect": the window is frames i - w/2 .. i - w/2 + w - 1, edges mirrored including
 *       the edge frame, and for even w the upper of the two middle values), then probability >
 *       {@value #THRESHOLD}; each run of consecutive active frames is one event from the first
 *       frame's time to the last frame's time, kept when it lasts at least min_duration ms.
 *       Events are sorted by onset (stable).</li>
 *   <li>{@link #onsetCounts} (sed_eval, {@code evaluate_onset=True, evaluate_offset=False},
 *       optimal matching): a reference and an estimated event of the same class match when their
 *       onsets differ by at most the collar (compared in seconds, as sed_eval does); the number of
 *       hits is a maximum bipartite matching. Counts add up over clips and classes (micro
 *       average): precision = hits / (estimated + eps), recall = hits / (reference + eps),
 *       F = 2PR / (P + R + eps), eps = 2^-52 (numpy.spacing(1)), so no events give F = 0.</li>
 * </ul>
 *
 * <p>The postprocessing grid ({@link #HEAR_GRID}) is the kit's {@code EVENT_POSTPROCESSING_GRID}:
 * median filter 250 ms, min_duration 125 or 250 ms; the setting with the best primary score on
 * the validation split is used on the test split. Deviation: a task's own {@code
 * evaluation_params.event_postprocessing_grid} in its metadata is not read; every task uses this
 * grid.
 *
 * <pre>{@code
 * List<HearTask.Event> est = EventMetrics.events(probs, timesMs, EventMetrics.HEAR_GRID.getFirst());
 * double f = EventMetrics.onsetCounts(reference, est, 200).fMeasure();
 * }</pre>
 */
public final class EventMetrics {
    /** Frame probability above which a class is active. */
    public static final double THRESHOLD = 0.5;
    /** The kit's label-interval padding: an event covers [start, end + this) milliseconds. */
    public static final double END_PAD_MS = 0.0001;
    /** numpy.spacing(1). */
    private static final double EPS = Math.ulp(1.0);

    private EventMetrics() {
    }

    /**
     * One postprocessing setting.
     *
     * @param medianFilterMs median filter length in milliseconds (0: none)
     * @param minDurationMs  shortest kept event in milliseconds
     */
    public record Postprocessing(double medianFilterMs, double minDurationMs) {
        /** One line for notes. */
        public String summary() {
            return "median filter " + plain(medianFilterMs) + " ms, min duration " + plain(minDurationMs) + " ms";
        }
    }

    /**
     * hear-eval-kit's grid, in the order its tie-break prefers (it sorts (score, setting) tuples in
     * descending order, so on equal scores the larger min_duration wins; here the first best wins).
     */
    public static final List<Postprocessing> HEAR_GRID = List.of(new Postprocessing(250, 250), new Postprocessing(250, 125));

    /**
     * Event counts of an onset evaluation.
     *
     * @param reference reference events
     * @param estimated estimated events
     * @param hits      matched pairs
     */
    public record Counts(long reference, long estimated, long hits) {
        /** The sum of two counts. */
        public Counts plus(Counts o) {
            return new Counts(reference + o.reference, estimated + o.estimated, hits + o.hits);
        }

        public double precision() {
            return hits / (estimated + EPS);
        }

        public double recall() {
            return hits / (reference + EPS);
        }

        /** F1 as sed_eval computes it (0 when there are no hits). */
        public double fMeasure() {
            double p = precision();
            double r = recall();
            return 2 * p * r / (p + r + EPS);
        }
    }

    /** Multi-hot targets {@code (T, C)} of frames at {@code timesMs} (T) for a clip's events. */
    public static Tensor frameTargets(List<HearTask.Event> events, float[] timesMs, int classes) {
        Tensor y = Tensor.zeros(timesMs.length, classes); // (T, C)
        for (HearTask.Event e : events) {
            for (int t = 0; t < timesMs.length; t++) {
                if (timesMs[t] >= e.startMs() && timesMs[t] < e.endMs() + END_PAD_MS) {
                    y.data()[t * classes + e.label()] = 1f;
                }
            }
        }
        return y;
    }

    /** Events of one clip from its frame probabilities {@code probs (T, C)} at {@code timesMs} (T, ascending). */
    public static List<HearTask.Event> events(Tensor probs, float[] timesMs, Postprocessing pp) {
        int t = probs.dim(0);
        int c = probs.dim(1);
        if (timesMs.length != t) {
            throw new IllegalArgumentException("events: " + timesMs.length + " timestamps for " + probs.shapeString()
                    + " probabilities, expected (T, C) with T = " + timesMs.length);
        }
        int width = 0;
        if (pp.medianFilterMs() > 0 && t > 1) {
            double spacing = (timesMs[t - 1] - timesMs[0]) / (double) (t - 1);
            width = (int) Math.rint(pp.medianFilterMs() / spacing);
        }
        List<HearTask.Event> out = new ArrayList<>();
        float[] column = new float[t];
        float[] window = new float[Math.max(1, width)];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < t; i++) {
                column[i] = probs.data()[probs.offset() + i * c + k];
            }
            float[] smooth = width > 1 ? median(column, width, window) : column;
            int i = 0;
            while (i < t) {
                if (!(smooth[i] > THRESHOLD)) {
                    i++;
                    continue;
                }
                int j = i;
                while (j + 1 < t && smooth[j + 1] > THRESHOLD) {
                    j++;
                }
                if (timesMs[j] - timesMs[i] >= pp.minDurationMs()) {
                    out.add(new HearTask.Event(k, timesMs[i], timesMs[j]));
                }
                i = j + 1;
            }
        }
        out.sort(Comparator.comparingDouble(HearTask.Event::startMs));
        return out;
    }

    /** scipy.ndimage.median_filter(x, size=w, mode="reflect") of one column. */
    static float[] median(float[] x, int w, float[] window) {
        int n = x.length;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < w; k++) {
                window[k] = x[reflect(i - w / 2 + k, n)];
            }
            Arrays.sort(window, 0, w);
            out[i] = window[w / 2];
        }
        return out;
    }

    /** scipy's "reflect" boundary: d c b a | a b c d | d c b a. */
    private static int reflect(int j, int n) {
        while (j < 0 || j >= n) {
            j = j < 0 ? -j - 1 : 2 * n - j - 1;
        }
        return j;
    }

    /** Onset matches of one clip within {@code collarMs}, over all classes. */
    public static Counts onsetCounts(List<HearTask.Event> reference, List<HearTask.Event> estimated, double collarMs) {
        int nr = reference.size();
        int ne = estimated.size();
        List<List<Integer>> hits = new ArrayList<>(nr); // reference -> matching estimates
        double collar = collarMs / 1000.0;
        for (HearTask.Event r : reference) {
            List<Integer> h = new ArrayList<>();
            for (int j = 0; j < ne; j++) {
                HearTask.Event e = estimated.get(j);
                if (e.label() == r.label() && Math.abs(r.startMs() / 1000.0 - e.startMs() / 1000.0) <= collar) {
                    h.add(j);
                }
            }
            hits.add(h);
        }
        int[] matchOfEstimate = new int[ne];
        Arrays.fill(matchOfEstimate, -1);
        int matched = 0;
        for (int i = 0; i < nr; i++) {
            if (augment(i, hits, matchOfEstimate, new boolean[ne])) {
                matched++;
            }
        }
        return new Counts(nr, ne, matched);
    }

    /** Kuhn's augmenting path from reference {@code i}: a maximum bipartite matching overall. */
    private static boolean augment(int i, List<List<Integer>> hits, int[] matchOfEstimate, boolean[] seen) {
        for (int j : hits.get(i)) {
            if (seen[j]) {
                continue;
            }
            seen[j] = true;
            if (matchOfEstimate[j] < 0 || augment(matchOfEstimate[j], hits, matchOfEstimate, seen)) {
                matchOfEstimate[j] = i;
                return true;
            }
        }
        return false;
    }

    /** The micro-averaged onset F-measure over clips: {@code reference.get(i)} against {@code estimated.get(i)}. */
    public static double onsetFMeasure(List<List<HearTask.Event>> reference, List<List<HearTask.Event>> estimated,
                                       double collarMs) {
        if (reference.size() != estimated.size()) {
            throw new IllegalArgumentException("onsetFMeasure: " + reference.size() + " reference clips but "
                    + estimated.size() + " estimated");
        }
        Counts total = new Counts(0, 0, 0);
        for (int i = 0; i < reference.size(); i++) {
            total = total.plus(onsetCounts(reference.get(i), estimated.get(i), collarMs));
        }
        return total.fMeasure();
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
