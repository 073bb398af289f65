package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.hear.TaskMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Event decoding, the grid, the onset F-measure and the segment error rate on cases worked out by hand (medians checked with scipy 1.17). */
class EventMetricsTest {
    private static final float[] X = {0.9f, 0.1f, 0.8f, 0.7f, 0.2f};

    private static HearTask.Event ev(int label, double start, double end) {
        return new HearTask.Event(label, start, end);
    }

    @Test
    void medianFilterMatchesScipyReflect() {
        // scipy.ndimage.median_filter(x, size=w, mode="reflect")
        assertArrayEquals(new float[] {0.9f, 0.8f, 0.7f, 0.7f, 0.2f}, EventMetrics.median(X, 3, new float[3]));
        assertArrayEquals(new float[] {0.9f, 0.9f, 0.8f, 0.8f, 0.7f}, EventMetrics.median(X, 2, new float[2]));
        assertArrayEquals(new float[] {0.8f, 0.8f, 0.8f, 0.7f, 0.7f}, EventMetrics.median(X, 6, new float[6]));
    }

    @Test
    void framesBecomeEventsAboveThresholdAndMinDuration() {
        float[] times = new float[10];
        for (int i = 0; i < 10; i++) {
            times[i] = 40 * i;
        }
        Tensor p = Tensor.zeros(10, 2); // (T, C)
        for (int i : new int[] {1, 2, 3, 6}) {
            p.data()[i * 2] = 0.9f;
        }
        p.data()[4 * 2] = 0.5f; // not above the threshold
        for (int i = 5; i < 10; i++) {
            p.data()[i * 2 + 1] = 0.7f;
        }
        List<HearTask.Event> e = EventMetrics.events(p, times, new EventMetrics.Postprocessing(0, 60));
        assertEquals(List.of(ev(0, 40, 120), ev(1, 200, 360)), e, "frame 6 alone lasts 0 ms < 60 ms");
        List<HearTask.Event> all = EventMetrics.events(p, times, new EventMetrics.Postprocessing(0, 0));
        assertEquals(List.of(ev(0, 40, 120), ev(1, 200, 360), ev(0, 240, 240)), all, "sorted by onset");
        // 120 ms at 40 ms frames: width 3; frame 6 is smoothed away, frames 1-3 stay, frame 4 stays at 0.5.
        List<HearTask.Event> smooth = EventMetrics.events(p, times, new EventMetrics.Postprocessing(120, 0));
        assertEquals(List.of(ev(0, 40, 120), ev(1, 200, 360)), smooth);
        assertThrows(IllegalArgumentException.class, () -> EventMetrics.events(p, new float[9], EventMetrics.HEAR_GRID.getFirst()));
    }

    @Test
    void frameTargetsCoverStartToEndInclusive() {
        Tensor y = EventMetrics.frameTargets(List.of(ev(1, 40, 120)), new float[] {0, 40, 80, 120, 160}, 2);
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 1, 0, 1, 0, 0}, y.data());
    }

    @Test
    void onsetMatchingIsOptimalAndClassWise() {
        List<HearTask.Event> ref = List.of(ev(0, 0, 50), ev(0, 100, 300));
        // 150 ms is within 200 ms of both references, 210 ms only of the second: optimal matching finds 2 hits
        // where greedy (150 -> 100) would find 1; the class-1 estimate at 0 ms matches nothing.
        List<HearTask.Event> est = List.of(ev(1, 0, 40), ev(0, 150, 400), ev(0, 210, 230));
        EventMetrics.Counts c = EventMetrics.onsetCounts(ref, est, 200);
        assertEquals(new EventMetrics.Counts(2, 3, 2), c);
        assertEquals(2.0 / 3, c.precision(), 1e-12);
        assertEquals(1.0, c.recall(), 1e-12);
        assertEquals(0.8, c.fMeasure(), 1e-12, "F = 2 (2/3)(1) / (2/3 + 1)");
        // 50 ms collar: only 150 vs 100 (0.15 - 0.1 <= 0.05 in seconds): P = 1/3, R = 1/2, F = 0.4.
        assertEquals(0.4, EventMetrics.onsetCounts(ref, est, 50).fMeasure(), 1e-12);
    }

    @Test
    void fMeasureIsMicroAveragedOverClips() {
        List<List<HearTask.Event>> ref = List.of(List.of(ev(0, 0, 50), ev(0, 100, 300)), List.of(ev(1, 500, 700)));
        List<List<HearTask.Event>> est = List.of(List.of(ev(1, 0, 40), ev(0, 150, 400), ev(0, 210, 230)), List.of());
        // counts (2, 3, 2) + (1, 0, 0) = (3, 3, 2): P = R = F = 2/3
        assertEquals(2.0 / 3, EventMetrics.onsetFMeasure(ref, est, 200), 1e-12);
        assertEquals(0.0, EventMetrics.onsetFMeasure(ref, List.of(List.of(), List.of()), 200), "no estimates give F = 0");
        assertThrows(IllegalArgumentException.class, () -> EventMetrics.onsetFMeasure(ref, List.of(), 200));
    }

    private static EventMetrics.Postprocessing pp(double median, double minDuration) {
        return new EventMetrics.Postprocessing(median, minDuration);
    }

    @Test
    void gridIsEnumeratedAsSklearnParameterGrid() {
        // ParameterGrid sorts the keys (median_filter_ms < min_duration) and takes their product with the last
        // key fastest; each list keeps its file order (0 before 250, 125 before 60).
        TaskMetadata.PostprocessingGrid g = new TaskMetadata.PostprocessingGrid(List.of(0.0, 250.0), List.of(125.0, 60.0));
        assertEquals(List.of(pp(0, 125), pp(0, 60), pp(250, 125), pp(250, 60)), EventMetrics.settings(g));
        assertEquals(List.of(pp(250, 125), pp(250, 250)), EventMetrics.HEAR_GRID);
    }

    @Test
    void choiceBreaksTiesTowardsTheLargerSettingAsTheKitsDescendingSort() {
        List<EventMetrics.Postprocessing> g = List.of(pp(0, 125), pp(0, 60), pp(250, 125), pp(250, 60));
        // 0.7 at (0, 60) and (250, 125): (0.7, (250, 125)) sorts above (0.7, (0, 60)).
        assertEquals(2, EventMetrics.choose(new double[] {0.5, 0.7, 0.7, 0.6}, g, true));
        // 0.7 at (0, 125) and (0, 60): same median filter, the larger min_duration.
        assertEquals(0, EventMetrics.choose(new double[] {0.7, 0.7, 0.2, 0.2}, g, true));
        // NaN counts as 0, so all four tie and (250, 125) is the largest setting.
        assertEquals(2, EventMetrics.choose(new double[] {Double.NaN, 0, 0, 0}, g, true));
        assertEquals(3, EventMetrics.choose(new double[] {0.1, 0.2, 0.3, 0.4}, g, true));
        // lower is better: the smallest error rate, ties as above.
        assertEquals(0, EventMetrics.choose(new double[] {0.3, 0.4, 0.5, 0.6}, g, false));
        assertEquals(2, EventMetrics.choose(new double[] {0.9, 0.4, 0.4, 0.8}, g, false));
        assertThrows(IllegalArgumentException.class, () -> EventMetrics.choose(new double[3], g, true));
    }

    @Test
    void metricNamesParse() {
        EventMetrics.Score onset = EventMetrics.Score.of("event_onset_200ms_fms").orElseThrow();
        assertEquals(new EventMetrics.Score("event_onset_200ms_fms", EventMetrics.Kind.ONSET_F, 200), onset);
        assertTrue(onset.higherIsBetter());
        EventMetrics.Score er = EventMetrics.Score.of("segment_1s_er").orElseThrow();
        assertEquals(EventMetrics.Kind.SEGMENT_ER, er.kind());
        assertFalse(er.higherIsBetter());
        assertTrue(EventMetrics.Score.of("event_onset_offset_50ms_fms").isEmpty());
        assertTrue(EventMetrics.Score.of("segment_10s_er").isEmpty());
    }

    private static EventMetrics.SegmentCounts segments(List<HearTask.Event> ref, List<HearTask.Event> est) {
        return EventMetrics.segmentCounts(ref, est, 1.0);
    }

    @Test
    void segmentErrorRateIsZeroForAPerfectMatch() {
        // 0.2 .. 1.7 s covers segments 0 and 1 in both lists: N = 2, no errors.
        List<HearTask.Event> ref = List.of(ev(0, 200, 1700));
        assertEquals(new EventMetrics.SegmentCounts(2, 0, 0, 0), segments(ref, ref));
        assertEquals(0.0, segments(ref, ref).errorRate());
    }

    @Test
    void missedEventIsADeletion() {
        // reference roll: ceil(2.6) = 3 segments, estimate roll ceil(1.7) = 2, padded to 3.
        // segments 0, 1: class 0 in both; segment 2: class 1 only in the reference (Nref 1, Nsys 0): D = 1.
        // N = 1 + 1 + 1 = 3, ER = 1/3.
        EventMetrics.SegmentCounts c = segments(List.of(ev(0, 200, 1700), ev(1, 2500, 2600)), List.of(ev(0, 200, 1700)));
        assertEquals(new EventMetrics.SegmentCounts(3, 0, 1, 0), c);
        assertEquals(1.0 / 3, c.errorRate(), 1e-15);
    }

    @Test
    void extraEventIsAnInsertion() {
        // segment 0: reference {0}, estimate {0, 1}: Nref 1, Nsys 2, Ntp 1 -> S = 1 - 1 = 0, I = 1; segment 1 matches.
        // N = 2, ER = 1/2.
        EventMetrics.SegmentCounts c = segments(List.of(ev(0, 200, 1700)), List.of(ev(0, 200, 1700), ev(1, 500, 800)));
        assertEquals(new EventMetrics.SegmentCounts(2, 0, 0, 1), c);
        assertEquals(0.5, c.errorRate(), 1e-15);
    }

    @Test
    void wrongClassIsASubstitution() {
        // one segment (ceil(0.9) = 1): reference {0}, estimate {1}: Nref = Nsys = 1, Ntp = 0 -> S = 1.
        EventMetrics.SegmentCounts c = segments(List.of(ev(0, 0, 900)), List.of(ev(1, 100, 900)));
        assertEquals(new EventMetrics.SegmentCounts(1, 1, 0, 0), c);
        assertEquals(1.0, c.errorRate(), 1e-15, "1 / (1 + 2^-52)");
        // reference {0, 1, 2}, estimate {2, 3}: FN = 2, FP = 1 -> S = min(2, 1) = 1, D = 2 - 1 = 1, I = 0; N = 3.
        EventMetrics.SegmentCounts m = segments(List.of(ev(0, 0, 500), ev(1, 0, 500), ev(2, 0, 500)),
                List.of(ev(2, 0, 500), ev(3, 100, 400)));
        assertEquals(new EventMetrics.SegmentCounts(3, 1, 1, 0), m);
        assertEquals(2.0 / 3, m.errorRate(), 1e-15);
    }

    @Test
    void eventsSpanSegmentsAndAnEndOnABoundaryStopsThere() {
        // reference 0.5 .. 2.0 s: floor(0.5) = 0 .. ceil(2.0) - 1 = 1, segments 0 and 1 (not 2); roll of 2.
        // estimate 1.2 .. 2.3 s: floor(1.2) = 1 .. ceil(2.3) - 1 = 2, segments 1 and 2; roll of 3.
        // segment 0: D = 1; segment 1: match; segment 2: I = 1. N = 2, ER = 2/2 = 1.
        // (Were the end inclusive, segment 2 would match: N = 3, D = 1, I = 0.)
        EventMetrics.SegmentCounts c = segments(List.of(ev(0, 500, 2000)), List.of(ev(0, 1200, 2300)));
        assertEquals(new EventMetrics.SegmentCounts(2, 0, 1, 1), c);
        assertEquals(1.0, c.errorRate(), 1e-15);
        // a zero-length estimate at exactly 1 s: floor(1) = ceil(1) = 1 covers nothing; no reference, no error.
        EventMetrics.SegmentCounts none = segments(List.of(), List.of(ev(0, 1000, 1000)));
        assertEquals(new EventMetrics.SegmentCounts(0, 0, 0, 0), none);
        assertEquals(0.0, none.errorRate());
        // an insertion without any reference: I / (0 + 2^-52) = 2^52, as sed_eval gives.
        assertEquals(Math.scalb(1.0, 52), segments(List.of(), List.of(ev(0, 0, 500))).errorRate());
    }

    @Test
    void segmentErrorRateSumsCountsOverClipsBeforeDividing() {
        // clips: (N 3, D 1) from the deletion case, (N 2, I 1) from the insertion case, (N 1, S 1) from the
        // substitution case: totals N = 6, S = D = I = 1 -> ER = 3/6 = 0.5 (the mean of the clips' ERs would be
        // (1/3 + 1/2 + 1) / 3 = 0.611).
        List<List<HearTask.Event>> ref = List.of(List.of(ev(0, 200, 1700), ev(1, 2500, 2600)), List.of(ev(0, 200, 1700)),
                List.of(ev(0, 0, 900)));
        List<List<HearTask.Event>> est = List.of(List.of(ev(0, 200, 1700)), List.of(ev(0, 200, 1700), ev(1, 500, 800)),
                List.of(ev(1, 100, 900)));
        assertEquals(0.5, EventMetrics.segmentErrorRate(ref, est, 1.0), 1e-15);
        assertEquals(0.5, EventMetrics.Score.of("segment_1s_er").orElseThrow().evaluate(ref, est), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> EventMetrics.segmentErrorRate(ref, List.of(), 1.0));
    }
}
