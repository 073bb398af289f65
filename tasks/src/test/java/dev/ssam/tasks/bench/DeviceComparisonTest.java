package dev.ssam.tasks.bench;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link DeviceComparison}: largest differences, the judgement, NaN, and the unjudged line. */
class DeviceComparisonTest {
    private static final Tolerance JUDGE = new Tolerance(1e-3, 1e-4);

    @Test
    void reportsTheLargestDifferencesAndJudgesEveryPair() {
        DeviceComparison c = new DeviceComparison(JUDGE);
        c.add(Tensor.of(new float[] {1f, -2f, 4f}, 3), Tensor.of(new float[] {1.0005f, -2f, 4f}, 3));
        c.add(10.0, 10.0);
        BenchResult r = c.addTo(BenchResult.of("x_check"));
        assertEquals(4, c.values());
        assertEquals(true, r.fields().get("within"));
        assertEquals(0.0005, (double) r.fields().get("max_abs_err"), 1e-6);
        assertEquals(0.0005, (double) r.fields().get("max_rel_err"), 1e-6);
        assertEquals("atol 0.001, rtol 1.0E-4", r.fields().get("tolerance"));

        c.add(1.0, 1.01);
        assertEquals(false, c.addTo(BenchResult.of("x_check")).fields().get("within"));
    }

    @Test
    void aNanOnOneSideIsOutsideAndAnInfiniteDifference() {
        DeviceComparison c = new DeviceComparison(JUDGE);
        c.add(0.5, Double.NaN);
        BenchResult r = c.addTo(BenchResult.of("x_check"));
        assertEquals(false, r.fields().get("within"));
        assertEquals(Double.POSITIVE_INFINITY, (double) r.fields().get("max_abs_err"));
    }

    @Test
    void withoutATolerancePairsAreMeasuredNotJudged() {
        DeviceComparison c = new DeviceComparison(null);
        c.add(1.0, 2.0);
        BenchResult r = c.addTo(BenchResult.of("x_check"));
        assertEquals("no", r.fields().get("judged"));
        assertEquals(null, r.fields().get("within"));
        assertEquals(1.0, (double) r.fields().get("max_abs_err"));
    }
}
