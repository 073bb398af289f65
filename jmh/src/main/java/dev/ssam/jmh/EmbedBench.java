package dev.ssam.jmh;

import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamEmbedder;
import dev.ssam.runtime.Backend;
import dev.ssam.tasks.bench.BenchModels;
import dev.ssam.tasks.data.SyntheticAudio;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end SSAM-Tiny inference: 16 kHz PCM of 1.99 s clips (exactly one 200-frame window) in,
 * scene and timestamp embeddings out (log-mel, encoder, layout), {@code batch} clips per call.
 * The {@code clips} counter reports clips/s directly. Weights are the seeded from-scratch
 * initialisation: speed does not depend on trained values.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_MODULES, BenchFlags.VECTOR, BenchFlags.NATIVE})
@State(Scope.Benchmark)
public class EmbedBench {
    private static final int SAMPLES = 31_840;

    /** Device: the scalar reference or the Vector API backend. */
    @Param({"cpu"})
    public String backend;

    /** Threads of the cpu backend. */
    @Param({"1", "2"})
    public int threads;

    /** Clips per call. */
    @Param({"1", "8"})
    public int batch;

    private Backend device;
    private SsamEmbedder embedder;
    private List<float[]> clips;

    /** Clips embedded, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long clips;

        @Setup(Level.Iteration)
        public void reset() {
            clips = 0;
        }
    }

    @Setup
    public void setUp() {
        device = Backend.parse(backend, threads);
        embedder = new SsamEmbedder(BenchModels.random(SsamConfig.tiny(), 0), device, batch);
        clips = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            clips.add(SyntheticAudio.clip(SyntheticAudio.Sound.values()[i % SyntheticAudio.classes()], i, SAMPLES));
        }
    }

    @TearDown
    public void tearDown() {
        device.close();
    }

    @Benchmark
    public Object embed(Counters c) {
        c.clips += batch;
        return embedder.embedAll(clips, SyntheticAudio.SAMPLE_RATE);
    }
}
