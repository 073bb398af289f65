package dev.ssam.tasks.train;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LrScheduleTest {

    private static void assertValues(String name, double[] expected, double[] actual) {
        float[] e = new float[expected.length];
        float[] a = new float[actual.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) expected[i];
            a[i] = (float) actual[i];
        }
        TensorCompare.assertClose(name, Tensor.of(e, e.length), Tensor.of(a, a.length), Tolerance.VECTOR_MATH_VS_DOUBLE);
    }

    @Test
    void paperScheduleMatchesHandComputedValues() {
        // 1.5e-4 x 1024 / 256 = 6e-4; warm-up 10 of 100 epochs.
        LrSchedule s = new LrSchedule(LrSchedule.scaledPeak(1.5e-4, 1024), 10, 100, 0);
        double[] epochs = {0, 2.5, 5, 10, 32.5, 55, 77.5, 100, 150};
        // Warm-up: 6e-4 e / 10. Cosine: 6e-4 (1 + cos(pi (e - 10) / 90)) / 2:
        // e 32.5 -> (1 + cos(pi/4)) / 2 = 0.8535534, e 55 -> 0.5, e 77.5 -> (1 - cos(pi/4)) / 2 = 0.1464466.
        double[] expected = {0, 1.5e-4, 3e-4, 6e-4, 5.1213203e-4, 3e-4, 8.7867966e-5, 0, 0};
        double[] actual = new double[epochs.length];
        for (int i = 0; i < epochs.length; i++) {
            actual[i] = s.lr(epochs[i]);
        }
        assertValues("lr", expected, actual);
    }

    @Test
    void minimumRateLiftsTheCosine() {
        LrSchedule s = new LrSchedule(6e-4, 10, 100, 1e-5);
        // 1e-5 + (6e-4 - 1e-5) / 2 = 3.05e-4 at mid-cosine; 1e-5 at and after the end.
        assertValues("lr", new double[] {3e-4, 3.05e-4, 1e-5, 1e-5}, new double[] {s.lr(5), s.lr(55), s.lr(100), s.lr(400)});
    }

    @Test
    void noWarmUpStartsAtThePeak() {
        LrSchedule s = new LrSchedule(1e-3, 0, 4, 0);
        assertValues("lr", new double[] {1e-3, 5e-4, 0}, new double[] {s.lr(0), s.lr(2), s.lr(4)});
    }

    @Test
    void peakScalesWithTheGlobalBatch() {
        assertValues("peak", new double[] {4.6875e-6, 1.5e-4, 6e-4},
                new double[] {LrSchedule.scaledPeak(1.5e-4, 8), LrSchedule.scaledPeak(1.5e-4, 256), LrSchedule.scaledPeak(1.5e-4, 1024)});
    }

    @Test
    void rejectsAWarmUpAsLongAsTheRun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1e-3, 5, 5, 0));
        assertTrue(e.getMessage().contains("warm-up is 5.0 epochs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1e-3, 1, 5, 2e-3));
        assertEquals(0.0, new LrSchedule(1e-3, 1, 5, 0).lr(-1));
    }
}
