package dev.ssam.jmh;

import dev.ssam.ops.norm.LayerNorm;
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
 * LayerNorm over D on B sequences of 251 tokens (M = 251 B rows): time per call and, through
 * the {@code bytes} counter, memory traffic per second. Forward moves 8 M D bytes (read x, write
 * out), backward 12 M D (read x and gout, write gx); both are memory bound, so compare the rate
 * with PERF-NOTES' 12 GB/s (one core) and 23 GB/s (two).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_MODULES, BenchFlags.VECTOR, BenchFlags.NATIVE})
@State(Scope.Benchmark)
public class LayerNormBench {
    private static final int LEN = 251;
    private static final float EPS = 1e-6f;

    /** Device: the scalar reference or the Vector API backend. */
    @Param({"ref", "cpu"})
    public String backend;

    /** Threads of the cpu backend (ref always uses one). */
    @Param({"1", "2"})
    public int threads;

    /** Sequences per call. */
    @Param({"1", "8"})
    public int batch;

    /** Model width D: tiny, small, base. */
    @Param({"192", "384", "768"})
    public int width;

    private Backend device;
    private Tensor x; // (M, D)
    private Tensor gamma; // (D)
    private Tensor beta; // (D)
    private Tensor out; // (M, D)
    private Tensor mean; // (M)
    private Tensor rstd; // (M)
    private Tensor gx; // (M, D)
    private Tensor ggamma; // (D)
    private Tensor gbeta; // (D)
    private long elements;

    /** Bytes moved, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        device = Backend.parse(backend, threads);
        int rows = batch * LEN;
        SplittableRandom r = new SplittableRandom(42);
        x = random(r, rows, width);
        gamma = random(r, width);
        beta = random(r, width);
        out = Tensor.zeros(rows, width);
        mean = Tensor.zeros(rows);
        rstd = Tensor.zeros(rows);
        gx = Tensor.zeros(rows, width);
        ggamma = Tensor.zeros(width);
        gbeta = Tensor.zeros(width);
        elements = (long) rows * width;
        LayerNorm.forward(device, x, gamma, beta, EPS, out, mean, rstd);
    }

    @TearDown
    public void tearDown() {
        device.close();
    }

    @Benchmark
    public Tensor forward(Counters counters) {
        LayerNorm.forward(device, x, gamma, beta, EPS, out, mean, rstd);
        counters.bytes += 8 * elements;
        return out;
    }

    @Benchmark
    public Tensor backward(Counters counters) {
        LayerNorm.backward(device, x, gamma, mean, rstd, out, gx, ggamma, gbeta);
        counters.bytes += 12 * elements;
        return gx;
    }

    private static Tensor random(SplittableRandom r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextDouble(-1, 1);
        }
        return t;
    }
}
