package dev.ssam.jmh;

import dev.ssam.ops.conv.CausalConv1d;
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
 * The mixer's depthwise causal conv (K = 4) with fused SiLU on one batch of 251-token sequences:
 * time per call and, through the {@code flop} counter, FLOP/s. Forward counts 2 B L E K flops;
 * backward (gx, gw, gbias with the SiLU recomputed) counts 3 x that. The op is memory bound at
 * these sizes: one (B, L, E) pass reads 4 B L E bytes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_MODULES, BenchFlags.VECTOR, BenchFlags.NATIVE})
@State(Scope.Benchmark)
public class ConvBench {
    private static final int LEN = 251;
    private static final int KERNEL = 4;

    /** Device: the scalar reference or the Vector API backend. */
    @Param({"ref", "cpu"})
    public String backend;

    /** Threads of the cpu backend (ref always uses one). */
    @Param({"1", "2"})
    public int threads;

    /** Sequences per call. */
    @Param({"1", "8"})
    public int batch;

    /** Channels E = 3 D: tiny (D 192), small (D 384), base (D 768). */
    @Param({"576", "1152", "2304"})
    public int channels;

    private Backend device;
    private Tensor x; // (B, L, E)
    private Tensor weight; // (E, K)
    private Tensor bias; // (E)
    private Tensor out; // (B, L, E)
    private Tensor gx; // (B, L, E)
    private Tensor gw; // (E, K)
    private Tensor gbias; // (E)
    private long flop;

    /** Floating-point operations done, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long flop;

        @Setup(Level.Iteration)
        public void reset() {
            flop = 0;
        }
    }

    @Setup
    public void setUp() {
        device = Backend.parse(backend, threads);
        SplittableRandom r = new SplittableRandom(42);
        x = random(r, batch, LEN, channels);
        weight = random(r, channels, KERNEL);
        bias = random(r, channels);
        out = Tensor.zeros(batch, LEN, channels);
        gx = Tensor.zeros(batch, LEN, channels);
        gw = Tensor.zeros(channels, KERNEL);
        gbias = Tensor.zeros(channels);
        flop = 2L * batch * LEN * channels * KERNEL;
    }

    @TearDown
    public void tearDown() {
        device.close();
    }

    @Benchmark
    public Tensor forward(Counters counters) {
        CausalConv1d.forward(device, x, weight, bias, true, out);
        counters.flop += flop;
        return out;
    }

    @Benchmark
    public Tensor backward(Counters counters) {
        CausalConv1d.backward(device, x, weight, bias, true, out, gx, gw, gbias);
        counters.flop += 3 * flop;
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
