package dev.ssam.tasks.bench;

import dev.ssam.model.ClipEmbedding;
import dev.ssam.model.SsamEmbedder;
import dev.ssam.model.SsamParams;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.tasks.data.SyntheticAudio;

import java.util.ArrayList;
import java.util.List;

/**
 * End-to-end inference throughput: 16 kHz PCM in, scene and timestamp embeddings out (log-mel,
 * windowing, encoder), as clips per second at a batch size, plus the process's peak resident
 * memory.
 */
public final class EmbedBenchmark {
    private EmbedBenchmark() {
    }

    /**
     * Times {@link SsamEmbedder#embedAll} on {@code batch} synthetic clips of {@code seconds} seconds,
     * the embedder encoding {@code windowBatch} 200-frame windows per encoder call.
     */
    public static BenchResult run(SsamParams params, Backend backend, int batch, int windowBatch, double seconds,
                                  double warmupSeconds, double minSeconds) {
        return run(workload(params, backend, batch, windowBatch, seconds), params, backend, batch, windowBatch, seconds,
                warmupSeconds, minSeconds);
    }

    /** As above, timing {@code embedAll}, a {@link #workload} of the same arguments built by the caller (who may use it again). */
    public static BenchResult run(Runnable embedAll, SsamParams params, Backend backend, int batch, int windowBatch,
                                  double seconds, double warmupSeconds, double minSeconds) {
        Timing t = Timing.measure(embedAll, warmupSeconds, 3, minSeconds);
        return BenchResult.of("embed").with("model", params.config().presetName()).with("device", backend.name())
                .with("threads", backend.threads()).with("batch", batch).with("window_batch", windowBatch).with("clip_s", seconds)
                .with("clips_per_s", BenchResult.round(batch / t.medianSeconds(), 2))
                .with("ms_per_clip", BenchResult.round(t.medianSeconds() * 1e3 / batch, 2)).with(t)
                .with("peak_rss_mb", BenchResult.round(Memory.peakRssMegabytes(), 1));
    }

    /**
     * The timed work of {@link #run}: one {@link SsamEmbedder#embedAll} call on {@code batch}
     * synthetic clips of {@code seconds} seconds, {@code windowBatch} windows per encoder call.
     */
    public static Runnable workload(SsamParams params, Backend backend, int batch, int windowBatch, double seconds) {
        List<float[]> clips = clips(batch, seconds);
        SsamEmbedder embedder = new SsamEmbedder(params, backend, windowBatch);
        return () -> embedder.embedAll(clips, SyntheticAudio.SAMPLE_RATE);
    }

    /** The first {@code batch} synthetic clips of {@code seconds} seconds every workload embeds. */
    static List<float[]> clips(int batch, double seconds) {
        List<float[]> clips = new ArrayList<>(batch);
        int samples = (int) Math.round(seconds * SyntheticAudio.SAMPLE_RATE);
        for (int i = 0; i < batch; i++) {
            SyntheticAudio.Sound s = SyntheticAudio.Sound.values()[i % SyntheticAudio.classes()];
            clips.add(SyntheticAudio.clip(s, i, samples));
        }
        return clips;
    }

    /**
     * The device's numbers against the host's: the first {@code count} clips of a workload embedded
     * on {@code device} ({@code windowBatch} windows a call) and on {@code host} (the Cpu backend,
     * checked against the official golden tensors by the test suite), compared element by element,
     * timestamp and scene embeddings. The line holds the largest absolute and relative differences
     * and, when {@code judge} is not null, whether every element is within it.
     */
    public static BenchResult check(SsamParams params, Backend device, Backend host, int windowBatch, double seconds,
                                    int count, Tolerance judge) {
        List<float[]> clips = clips(count, seconds);
        List<ClipEmbedding> onDevice = new SsamEmbedder(params, device, windowBatch).embedAll(clips,
                SyntheticAudio.SAMPLE_RATE);
        List<ClipEmbedding> onHost = new SsamEmbedder(params, host).embedAll(clips, SyntheticAudio.SAMPLE_RATE);
        DeviceComparison cmp = new DeviceComparison(judge);
        for (int i = 0; i < count; i++) {
            cmp.add(onHost.get(i).timestamps(), onDevice.get(i).timestamps());
            cmp.add(onHost.get(i).scene(), onDevice.get(i).scene());
        }
        return cmp.addTo(BenchResult.of("embed_check").with("device", device.name()).with("reference", host.name())
                .with("clips", count).with("clip_s", seconds).with("values", cmp.values()));
    }
}
