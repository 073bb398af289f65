package dev.ssam.tasks.eval;

import dev.ssam.runtime.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    private static Tensor t(int rows, int cols, float... v) {
        return Tensor.of(v, rows, cols);
    }

    @Test
    void top1CountsFirstArgmaxMatches() {
        Tensor s = t(4, 3, 0.1f, 0.7f, 0.2f, 0.5f, 0.5f, 0f, 0.2f, 0.2f, 0.6f, 0.9f, 0.05f, 0.05f);
        Tensor y = t(4, 3, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1);
        // row 0 right, row 1 tie -> first max (class 0) wrong, row 2 right, row 3 wrong
        assertEquals(0.5, Metrics.top1(s, y));
        assertEquals(0.5, Metric.PITCH_ACC.score(s, y, null));
    }

    @Test
    void chromaIgnoresOctaveErrors() {
        int[] pitches = {48, 60, 62};   // C3, C4, D4
        Tensor s = t(3, 3, 1, 0, 0, 0, 0, 1, 0, 1, 0);
        Tensor y = t(3, 3, 0, 1, 0, 0, 0, 1, 1, 0, 0);
        // C3 for C4: chroma right, pitch wrong; D4 for D4 right; C4 for C3 chroma right
        assertEquals(1.0, Metrics.chroma(s, y, pitches));
        assertEquals(1.0 / 3, Metrics.top1(s, y), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Metric.CHROMA_ACC.score(s, y, null));
    }

    /**
     * Hand computation. Class 0: scores 0.9 0.8 0.3 0.1, positives rows 0 and 2. Thresholds high to
     * low: 0.9 -> P 1/1, R 1/2; 0.8 -> P 1/2, R 1/2; 0.3 -> P 2/3, R 1; 0.1 -> R 1. AP = 1/2 * 1 + 1/2 * 2/3
     * = 5/6. Class 1: scores 0.2 0.7 0.6 0.4, positive row 3 only: 0.7 -> R 0; 0.6 -> R 0; 0.4 -> P 1/3,
     * R 1. AP = 1/3. Class 2: no positives, left out. mAP = (5/6 + 1/3) / 2 = 7/12.
     */
    @Test
    void meanAveragePrecisionMatchesHandComputation() {
        Tensor s = t(4, 3, 0.9f, 0.2f, 0.5f, 0.8f, 0.7f, 0.5f, 0.3f, 0.6f, 0.5f, 0.1f, 0.4f, 0.5f);
        Tensor y = t(4, 3, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0);
        assertEquals(7.0 / 12, Metrics.meanAveragePrecision(s, y), 1e-12);
        assertEquals(7.0 / 12, Metric.MAP.score(s, y, null), 1e-12);
    }

    /** Ties form one threshold: scores 0.5 0.5 0.1, positives rows 0 and 2: 0.5 -> P 1/2, R 1/2; 0.1 -> P 2/3, R 1. AP = 1/4 + 1/3. */
    @Test
    void averagePrecisionGroupsTies() {
        assertEquals(0.25 + 1.0 / 3, Metrics.averagePrecision(new float[] {0.5f, 0.5f, 0.1f}, new boolean[] {true, false, true}), 1e-12);
        assertEquals(1.0, Metrics.averagePrecision(new float[] {0.9f, 0.1f}, new boolean[] {true, false}), 1e-12);
    }

    @Test
    void meanAveragePrecisionIsNanWithoutPositives() {
        assertTrue(Double.isNaN(Metrics.meanAveragePrecision(t(2, 2, 1, 0, 0, 1), t(2, 2, 0, 0, 0, 0))));
    }

    @Test
    void confusionCountsTrueByPredicted() {
        Tensor s = t(3, 2, 0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f);
        Tensor y = t(3, 2, 1, 0, 1, 0, 0, 1);
        int[][] m = Metrics.confusion(s, y);
        assertArrayEquals(new int[] {1, 1}, m[0]);
        assertArrayEquals(new int[] {1, 0}, m[1]);
    }

    @Test
    void rejectsMismatchedShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.top1(Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().startsWith("top1: scores are [2, 3]"));
    }

    @Test
    void metricNamesMatchHearKeys() {
        assertEquals(Metric.MAP, Metric.fromKey("mAP").orElseThrow());
        assertTrue(Metric.fromKey("d_prime").isEmpty());
    }
}
