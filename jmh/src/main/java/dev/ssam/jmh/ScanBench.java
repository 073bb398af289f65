package dev.ssam.jmh;

import dev.ssam.ops.scan.SelectiveScan;
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
 * The selective scan of one SSAM-Tiny layer (L = 251 tokens, E = 576 channels, N = 24 states)
 * with every option the model uses (D, z gate, delta bias, softplus), forward and backward.
 *
 * <p>Throughput is reported in state updates: one op is B * L * E * N of them
 * ({@link SelectiveScan.Dims#stateUpdates()}; 3.47 M per clip), so updates/s = that / (time
 * per op), and the {@code updates} counter gives the rate directly. PERF-NOTES: scalar Java about
 * 0.07 G updates/s; the Vector API forward about 1.5 G per core (2.0-2.3 ms per clip); the
 * backward recomputes the forward and costs about three forwards.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_MODULES, BenchFlags.VECTOR, BenchFlags.NATIVE})
@State(Scope.Benchmark)
public class ScanBench {
    private static final int LEN = 251;
    private static final int D_INNER = 576;
    private static final int D_STATE = 24;

    /** Device: the scalar reference or the Vector API backend. */
    @Param({"ref", "cpu"})
    public String backend;

    /** Threads of the cpu backend (ref always uses one). */
    @Param({"1", "2"})
    public int threads;

    /** Clips per call: inference on one clip, and a training batch. */
    @Param({"1", "8"})
    public int batch;

    private Backend device;
    private SelectiveScan.Inputs inputs;
    private SelectiveScan.Grads grads;
    /** (B, L, E) */
    private Tensor out;
    /** (B, L, E) */
    private Tensor gout;
    private long updates;

    /** State updates computed, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long updates;

        @Setup(Level.Iteration)
        public void reset() {
            updates = 0;
        }
    }

    @Setup
    public void setUp() {
        device = Backend.parse(backend, threads);
        SplittableRandom rnd = new SplittableRandom(42);
        Tensor a = Tensor.zeros(D_INNER, D_STATE);
        for (int i = 0; i < a.size(); i++) {
            a.data()[i] = (float) -Math.exp(rnd.nextDouble(-1, 1));   // A < 0, as -exp(A_log)
        }
        inputs = new SelectiveScan.Inputs(uniform(rnd, -1.5, 1.5, batch, LEN, D_INNER),
                uniform(rnd, -3, 1, batch, LEN, D_INNER), a,
                uniform(rnd, -1, 1, batch, LEN, D_STATE), uniform(rnd, -1, 1, batch, LEN, D_STATE),
                uniform(rnd, -1, 1, D_INNER), uniform(rnd, -3, 3, batch, LEN, D_INNER),
                uniform(rnd, -0.5, 0.5, D_INNER), true);
        grads = SelectiveScan.Grads.like(inputs);
        out = Tensor.zeros(batch, LEN, D_INNER);
        gout = uniform(rnd, -1, 1, batch, LEN, D_INNER);
        updates = SelectiveScan.check(inputs, out, null).stateUpdates();
    }

    private static Tensor uniform(SplittableRandom rnd, double lo, double hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) rnd.nextDouble(lo, hi);
        }
        return t;
    }

    @TearDown
    public void tearDown() {
        device.close();
    }

    @Benchmark
    public Tensor forward(Counters counters) {
        counters.updates += updates;
        SelectiveScan.forward(device, inputs, out, null);
        return out;
    }

    @Benchmark
    public SelectiveScan.Grads backward(Counters counters) {
        counters.updates += updates;
        SelectiveScan.backward(device, inputs, gout, grads);
        return grads;
    }
}
