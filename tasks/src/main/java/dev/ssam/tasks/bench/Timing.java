package dev.ssam.tasks.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Wall-clock timing of a repeated action: warm-up for a fixed time (so C2 has compiled the hot
 * paths, PERF-NOTES lesson 9), then repetitions until both a minimum count and a minimum time
 * are reached; reports the median and the spread.
 *
 * @param medianSeconds median seconds per call
 * @param minSeconds    fastest call
 * @param maxSeconds    slowest call
 * @param reps          timed calls
 */
public record Timing(double medianSeconds, double minSeconds, double maxSeconds, int reps) {

    /** Times {@code action}: {@code warmupSeconds} of warm-up, then at least {@code minReps} calls and {@code minSeconds}. */
    public static Timing measure(Runnable action, double warmupSeconds, int minReps, double minSeconds) {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do {
            action.run();
        } while (System.nanoTime() < warmEnd);
        double[] t = new double[Math.max(minReps, 1) * 64];
        int n = 0;
        long start = System.nanoTime();
        while (n < t.length && (n < minReps || System.nanoTime() - start < minSeconds * 1e9)) {
            long t0 = System.nanoTime();
            action.run();
            t[n++] = (System.nanoTime() - t0) * 1e-9;
        }
        double[] s = Arrays.copyOf(t, n);
        Arrays.sort(s);
        double median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        return new Timing(median, s[0], s[n - 1], n);
    }

    /**
     * Runs {@code action} for at least {@code minSeconds}, then on until the JIT has gone quiet: a
     * stretch of at least one second (and two calls) in which the compilers spent under 2% of it,
     * or {@code maxSeconds} in all. A fixed warm-up is too short when the cores are busy: C2 then
     * compiles the Vector API kernels late, and until it does they run boxed, many times slower.
     *
     * @return the seconds spent warming up
     */
    public static double warmUp(Runnable action, double minSeconds, double maxSeconds) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean monitored = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long minEnd = start + (long) (minSeconds * 1e9);
        long maxEnd = start + (long) (maxSeconds * 1e9);
        do {
            action.run();
        } while (System.nanoTime() < minEnd);
        while (monitored && System.nanoTime() < maxEnd) {
            long t0 = System.nanoTime();
            long c0 = jit.getTotalCompilationTime();
            int calls = 0;
            do {
                action.run();
                calls++;
            } while (calls < 2 || System.nanoTime() - t0 < 1_000_000_000L);
            double stretchMs = (System.nanoTime() - t0) * 1e-6;
            if (jit.getTotalCompilationTime() - c0 < 0.02 * stretchMs) {
                break;
            }
        }
        return (System.nanoTime() - start) * 1e-9;
    }

    /** Relative spread {@code (max - min) / median}. */
    public double spread() {
        return (maxSeconds - minSeconds) / medianSeconds;
    }
}
