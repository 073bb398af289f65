package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.hear.TaskMetadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Frame predictions to events, the event-based onset F-measure and the segment-based error rate,
 * as hear-eval-kit computes them for event tasks ({@code heareval/predictions/task_predictions.py}
 * and {@code score.py}, which calls sed_eval's {@code EventBasedMetrics} and
 * {@code SegmentBasedMetrics}).
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
 *   <li>{@link #segmentCounts} (sed_eval {@code SegmentBasedMetrics} with {@code time_resolution}
 *       1.0, the kit's {@code segment_1s_er}): per clip, times in seconds (ms / 1000.0); each
 *       event list's activity roll has ceil(max offset / segment) segments (0 for no events) and
 *       the shorter roll is padded to the longer; an event marks its class active in segments
 *       floor(onset / segment) .. ceil(offset / segment) - 1, so an event ending exactly on a
 *       boundary does not reach the next segment. Per segment, with Nref and Nsys active classes
 *       and Ntp active in both: S = min(Nref, Nsys) - Ntp (= min(FN, FP)), D = max(0, Nref - Nsys),
 *       I = max(0, Nsys - Nref). S, D, I and Nref add up over segments and clips, and
 *       ER = S / (N + eps) + D / (N + eps) + I / (N + eps), N the summed Nref. Lower is better;
 *       ER can exceed 1.</li>
 * </ul>
 *
 * <p>The postprocessing grid is the task's ({@link TaskMetadata#effectivePostprocessingGrid()}:
 * its own {@code evaluation_params.event_postprocessing_grid}, else the kit's
 * {@code EVENT_POSTPROCESSING_GRID}, {@link #HEAR_GRID}). {@link #settings} enumerates it as the
 * kit's sklearn {@code ParameterGrid} does: keys sorted ({@code median_filter_ms} before
 * {@code min_duration}), their product with the last key fastest, each list in file order.
 * {@link #choose} picks the setting with the best primary score on the validation split as the
 * kit does (a NaN score counts as 0; it sorts (score, setting) tuples in descending order, so on
 * equal scores the larger median filter, then the larger min_duration wins). Deviation: for a
 * lower-is-better primary ({@code segment_1s_er}) the lowest score wins, where the kit's
 * descending sort would take the highest error rate.
 *
 * <pre>{@code
 * List<HearTask.Event> est = EventMetrics.events(probs, timesMs, EventMetrics.HEAR_GRID.getFirst());
 * double f = EventMetrics.onsetCounts(reference, est, 200).fMeasure();
 * double er = EventMetrics.segmentCounts(reference, est, 1.0).errorRate();
 * }</pre>
 */
public final class EventMetrics {
    /** Frame probability above which a class is active. */
    public static final double THRESHOLD = 0.5;
    /** The kit's label-interval padding: an event covers [start, end + this) milliseconds. */
    public static final double END_PAD_MS = 0.0001;
    /** The segment length of {@code segment_1s_er}, in seconds. */
    public static final double SEGMENT_SECONDS = 1.0;
    /** numpy.spacing(1). */
    private static final double EPS = Math.ulp(1.0);
    private static final Pattern ONSET = Pattern.compile("event_onset_(\\d+)ms_fms");

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

    /** hear-eval-kit's default grid, enumerated: (250, 125), (250, 250). */
    public static final List<Postprocessing> HEAR_GRID = settings(TaskMetadata.PostprocessingGrid.HEAR_DEFAULT);

    /** What an event metric measures. */
    public enum Kind {
        /** event-based onset F-measure; higher is better */
        ONSET_F,
        /** segment-based error rate; lower is better */
        SEGMENT_ER
    }

    /**
     * An event metric a task can list under {@code evaluation}: {@code event_onset_<N>ms_fms}
     * ({@link #onsetFMeasure} with an N ms collar) or {@code segment_1s_er} ({@link #segmentErrorRate}
     * with {@value #SEGMENT_SECONDS} s segments).
     *
     * @param key      the name as task metadata writes it
     * @param kind     what it measures
     * @param collarMs the onset collar in milliseconds; NaN for the segment error rate
     */
    public record Score(String key, Kind kind, double collarMs) {
        /** The name of the segment error rate. */
        public static final String SEGMENT_1S_ER = "segment_1s_er";
        /** The supported names, for messages. */
        public static final String SUPPORTED = "event_onset_<N>ms_fms, " + SEGMENT_1S_ER;

        /** The metric of a metadata name, if supported. */
        public static Optional<Score> of(String key) {
            Matcher m = ONSET.matcher(key);
            if (m.matches()) {
                return Optional.of(new Score(key, Kind.ONSET_F, Double.parseDouble(m.group(1))));
            }
            return key.equals(SEGMENT_1S_ER) ? Optional.of(new Score(key, Kind.SEGMENT_ER, Double.NaN)) : Optional.empty();
        }

        /** Whether a larger value is better (false for the error rate). */
        public boolean higherIsBetter() {
            return kind == Kind.ONSET_F;
        }

        /** The score of clips' estimated events against their reference events ({@code reference.get(i)} with {@code estimated.get(i)}). */
        public double evaluate(List<List<HearTask.Event>> reference, List<List<HearTask.Event>> estimated) {
            return switch (kind) {
                case ONSET_F -> onsetFMeasure(reference, estimated, collarMs);
                case SEGMENT_ER -> segmentErrorRate(reference, estimated, SEGMENT_SECONDS);
            };
        }
    }

    /**
     * The settings of {@code grid} in the kit's order (sklearn {@code ParameterGrid}): for each
     * median filter length in list order, every min duration in list order.
     */
    public static List<Postprocessing> settings(TaskMetadata.PostprocessingGrid grid) {
        List<Postprocessing> out = new ArrayList<>(grid.medianFilterMs().size() * grid.minDurationMs().size());
        for (double median : grid.medianFilterMs()) {
            for (double minDuration : grid.minDurationMs()) {
                out.add(new Postprocessing(median, minDuration));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The index of the setting the kit keeps, given each setting's validation score: the best
     * score (the largest, or the smallest when {@code higherIsBetter} is false; NaN counts as 0),
     * ties to the larger median filter, then the larger min duration, then the earlier index.
     */
    public static int choose(double[] scores, List<Postprocessing> settings, boolean higherIsBetter) {
        if (scores.length != settings.size() || scores.length == 0) {
            throw new IllegalArgumentException("choose: " + scores.length + " scores for " + settings.size()
                    + " postprocessing settings, expected as many and at least one");
        }
        int best = 0;
        for (int g = 1; g < scores.length; g++) {
            double v = Double.isNaN(scores[g]) ? 0 : scores[g];
            double b = Double.isNaN(scores[best]) ? 0 : scores[best];
            if (v != b) {
                if (higherIsBetter == v > b) {
                    best = g;
                }
                continue;
            }
            Postprocessing p = settings.get(g);
            Postprocessing q = settings.get(best);
            if (p.medianFilterMs() > q.medianFilterMs()
                    || (p.medianFilterMs() == q.medianFilterMs() && p.minDurationMs() > q.minDurationMs())) {
                best = g;
            }
        }
        return best;
    }

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
        checkClips("onsetFMeasure", reference, estimated);
        Counts total = new Counts(0, 0, 0);
        for (int i = 0; i < reference.size(); i++) {
            total = total.plus(onsetCounts(reference.get(i), estimated.get(i), collarMs));
        }
        return total.fMeasure();
    }

    /**
     * Segment counts of a segment-based evaluation (summed over segments and clips).
     *
     * @param reference     active reference class-segments (N)
     * @param substitutions S
     * @param deletions     D
     * @param insertions    I
     */
    public record SegmentCounts(long reference, long substitutions, long deletions, long insertions) {
        /** The sum of two counts. */
        public SegmentCounts plus(SegmentCounts o) {
            return new SegmentCounts(reference + o.reference, substitutions + o.substitutions, deletions + o.deletions,
                    insertions + o.insertions);
        }

        /** ER as sed_eval computes it: the sum of the substitution, deletion and insertion rates (0 when all are 0). */
        public double errorRate() {
            double n = reference + EPS;
            return substitutions / n + deletions / n + insertions / n;
        }
    }

    /** Segment counts of one clip with segments of {@code segmentS} seconds (see the class comment). */
    public static SegmentCounts segmentCounts(List<HearTask.Event> reference, List<HearTask.Event> estimated, double segmentS) {
        if (!(segmentS > 0) || !Double.isFinite(segmentS)) {
            throw new IllegalArgumentException("segmentCounts: segment length " + segmentS + " s, expected a finite value > 0");
        }
        int segments = Math.max(rollLength(reference, segmentS), rollLength(estimated, segmentS));
        int classes = 0;
        for (HearTask.Event e : reference) {
            classes = Math.max(classes, e.label() + 1);
        }
        for (HearTask.Event e : estimated) {
            classes = Math.max(classes, e.label() + 1);
        }
        boolean[][] ref = roll(reference, segments, classes, segmentS); // (segments, C)
        boolean[][] est = roll(estimated, segments, classes, segmentS); // (segments, C)
        long n = 0;
        long s = 0;
        long d = 0;
        long ins = 0;
        for (int t = 0; t < segments; t++) {
            int nref = 0;
            int nsys = 0;
            int ntp = 0;
            for (int k = 0; k < classes; k++) {
                nref += ref[t][k] ? 1 : 0;
                nsys += est[t][k] ? 1 : 0;
                ntp += ref[t][k] && est[t][k] ? 1 : 0;
            }
            n += nref;
            s += Math.min(nref, nsys) - ntp;
            d += Math.max(0, nref - nsys);
            ins += Math.max(0, nsys - nref);
        }
        return new SegmentCounts(n, s, d, ins);
    }

    /** sed_eval's roll length: ceil(max offset / segment), offsets in seconds, 0 without events. */
    private static int rollLength(List<HearTask.Event> events, double segmentS) {
        double maxOffset = 0;
        for (HearTask.Event e : events) {
            maxOffset = Math.max(maxOffset, e.endMs() / 1000.0);
        }
        return (int) Math.ceil(maxOffset / segmentS);
    }

    /** Class activity per segment: an event covers segments floor(onset / seg) .. ceil(offset / seg) - 1. */
    private static boolean[][] roll(List<HearTask.Event> events, int segments, int classes, double segmentS) {
        boolean[][] active = new boolean[segments][classes];
        for (HearTask.Event e : events) {
            int on = Math.max(0, (int) Math.floor(e.startMs() / 1000.0 / segmentS));
            int off = (int) Math.ceil(e.endMs() / 1000.0 / segmentS);
            for (int t = on; t < off; t++) {
                active[t][e.label()] = true;
            }
        }
        return active;
    }

    /** The segment error rate over clips: counts of {@code reference.get(i)} against {@code estimated.get(i)} summed, then ER. */
    public static double segmentErrorRate(List<List<HearTask.Event>> reference, List<List<HearTask.Event>> estimated,
                                          double segmentS) {
        checkClips("segmentErrorRate", reference, estimated);
        SegmentCounts total = new SegmentCounts(0, 0, 0, 0);
        for (int i = 0; i < reference.size(); i++) {
            total = total.plus(segmentCounts(reference.get(i), estimated.get(i), segmentS));
        }
        return total.errorRate();
    }

    private static void checkClips(String op, List<List<HearTask.Event>> reference, List<List<HearTask.Event>> estimated) {
        if (reference.size() != estimated.size()) {
            throw new IllegalArgumentException(op + ": " + reference.size() + " reference clips but " + estimated.size()
                    + " estimated");
        }
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
