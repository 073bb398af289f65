package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;
import dev.ssam.tasks.hear.HearTask;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Event decoding and the onset F-measure on cases worked out by hand (medians checked with scipy 1.17). */
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
}
