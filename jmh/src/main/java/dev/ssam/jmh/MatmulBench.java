package dev.ssam.jmh;

import dev.ssam.ops.matmul.Matmul;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The mixer's projections through {@link Matmul#linear} ({@code out = x w^T [+ bias]}) at one
 * clip (M = L = 251 rows) and a batch of 8 (M = 2008).
 *
 * <p>Rate: one call is {@code 2 * M * N * K} floating-point operations, so
 * {@code GFLOP/s = 2 * M * N * K / (time per call in ns)}. The {@code kflop} counter adds
 * {@code 2 * M * N * K / 1000} per call; JMH reports it per microsecond, which is GFLOP/s directly.
 * The peer is numpy's OpenBLAS sgemm on the same shapes ({@code tools/bench/numpy_peer.py}); on
 * the 2-core build machine it measured about 131 / 208 GFLOP/s (1 / 2 threads) on in_proj.
 *
 * <table>
 * <caption>shapes (K in, N out)</caption>
 * <tr><th>shape</th><th>K</th><th>N</th><th>bias</th></tr>
 * <tr><td>in_proj</td><td>192</td><td>1152</td><td>no</td></tr>
 * <tr><td>out_proj</td><td>576</td><td>192</td><td>no</td></tr>
 * <tr><td>x_proj</td><td>576</td><td>60</td><td>no</td></tr>
 * <tr><td>dt_proj</td><td>12</td><td>576</td><td>yes</td></tr>
 * </table>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_MODULES, BenchFlags.VECTOR, BenchFlags.NATIVE})
@State(Scope.Benchmark)
public class MatmulBench {
    /** Device: the scalar reference or the Vector API backend. */
    @Param({"ref", "cpu"})
    public String backend;

    /** Threads of the cpu backend (ref always uses one). */
    @Param({"1", "2"})
    public int threads;

    /** Which projection of the mixer (SSAM tiny: D = 192, E = 576, N = 24, R = 12). */
    @Param({"in_proj", "out_proj", "x_proj", "dt_proj"})
    public String shape;

    /** Clips per call: M = 251 * batch rows. */
    @Param({"1", "8"})
    public int batch;

    private Backend device;
    /** (batch, L, K) */
    private Tensor x;
    /** (N, K) */
    private Tensor w;
    /** (N) or null */
    private Tensor bias;
    /** (batch, L, N) */
    private Tensor out;
    private long kflopPerCall;

    /** Floating-point work done, in units of 1000 operations; per microsecond it reads as GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long kflop;

        @Setup(Level.Iteration)
        public void reset() {
            kflop = 0;
        }
    }

    @Setup
    public void setUp() {
        int[] kn = switch (shape) {
            case "in_proj" -> new int[] {192, 1152};
            case "out_proj" -> new int[] {576, 192};
            case "x_proj" -> new int[] {576, 60};
            case "dt_proj" -> new int[] {12, 576};
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
        int len = 251;
        int k = kn[0];
        int n = kn[1];
        device = Backend.parse(backend, threads);
        SplittableRandom rnd = new SplittableRandom(42);
        x = random(rnd, 1, batch, len, k);
        w = random(rnd, 1 / Math.sqrt(k), n, k);
        bias = shape.equals("dt_proj") ? random(rnd, 1, n) : null;
        out = Tensor.zeros(batch, len, n);
        kflopPerCall = 2L * batch * len * n * k / 1000;
    }

    private static Tensor random(SplittableRandom rnd, double scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (rnd.nextDouble(-1, 1) * scale);
        }
        return t;
    }

    @TearDown
    public void tearDown() {
        device.close();
    }

    @Benchmark
    public Tensor linear(Counters counters) {
        counters.kflop += kflopPerCall;
        Matmul.linear(device, x, w, bias, out);
        return out;
    }
}
