package dev.ssam.jmh;

import dev.ssam.ops.melspec.LogMel;
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
 * The log-mel front end on one 16 kHz clip: time per clip and, through the {@code frames}
 * counter, frames per second (one frame = a 400-point real FFT plus the 80-band mel and log).
 * For scale: PERF-NOTES measures a JTransforms 400-point FFT at about 3.8 us, so one thread's
 * ceiling is near 260 k frames/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_MODULES, BenchFlags.VECTOR, BenchFlags.NATIVE})
@State(Scope.Benchmark)
public class LogMelBench {
    /** Device: the scalar reference or the Vector API backend. */
    @Param({"ref", "cpu"})
    public String backend;

    /** Threads of the cpu backend (ref always uses one). */
    @Param({"1", "2"})
    public int threads;

    /** Clip length: the model's 2 s window and a 10 s AudioSet clip. */
    @Param({"2", "10"})
    public int seconds;

    private Backend device;
    /** (S) waveform, S = 16000 x seconds. */
    private float[] wave;
    private int frames;

    /** Frames computed, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long frames;

        @Setup(Level.Iteration)
        public void reset() {
            frames = 0;
        }
    }

    @Setup
    public void setUp() {
        device = Backend.parse(backend, threads);
        wave = new float[LogMel.SAMPLE_RATE * seconds];
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < wave.length; i++) {
            wave[i] = (float) (rnd.nextDouble() - 0.5);
        }
        frames = LogMel.frames(wave.length);
    }

    @TearDown
    public void tearDown() {
        device.close();
    }

    @Benchmark
    public Tensor logMel(Counters counters) {
        counters.frames += frames;
        return LogMel.compute(device, wave);
    }
}
