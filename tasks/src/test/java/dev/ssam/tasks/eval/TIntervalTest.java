package dev.ssam.tasks.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TIntervalTest {
    @Test
    void quantilesMatchKnownValues() {
        // scipy.stats.t.ppf(0.975, df)
        assertEquals(12.706204736, TInterval.t975(1), 1e-9);
        assertEquals(2.262157163, TInterval.t975(9), 1e-9);
        assertEquals(2.042272456, TInterval.t975(30), 1e-9);
        assertEquals(2.021075390306273, TInterval.t975(40), 1e-6);
        assertEquals(1.9839715185235518, TInterval.t975(100), 1e-6);
        assertEquals(2.0395134463964077, TInterval.t975(31), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> TInterval.t975(0));
    }

    /** Values 0.80 0.82 0.84: mean 0.82, s = 0.02, half-width = t(0.975, 2) 0.02 / sqrt 3 = 4.302652730 * 0.011547005. */
    @Test
    void intervalOfThreeValues() {
        TInterval.Interval i = TInterval.of(new double[] {0.80, 0.82, 0.84});
        assertEquals(0.82, i.mean(), 1e-12);
        assertEquals(4.302652730 * 0.02 / Math.sqrt(3), i.halfWidth(), 1e-9);
        assertEquals(3, i.n());
        assertEquals(i.mean() - i.halfWidth(), i.lower(), 0);
    }

    @Test
    void singleValueHasNoInterval() {
        TInterval.Interval i = TInterval.of(new double[] {0.7});
        assertEquals(0.7, i.mean());
        assertTrue(Double.isNaN(i.halfWidth()));
    }
}
