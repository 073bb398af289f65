package dev.ssam.model;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.audio.Resampler;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The public embedding API: load a model once, then turn audio into scene and timestamp
 * embeddings exactly as the HEAR runtime of the official release does (SSAM-SPEC section 4).
 * Instances are safe to call from several threads at once: the model is read-only and each
 * calling thread keeps its own encoder buffers (sized by the window batch).
 *
 * <pre>{@code
 * try (Backend cpu = Backend.cpu(2)) {
 *     SsamEmbedder embedder = new SsamEmbedder(SsamWeights.load(Path.of("tiny.safetensors")), cpu);
 *     ClipEmbedding e = embedder.embed(Path.of("dog.wav"));   // any sample rate, any length
 *     Tensor scene = e.scene();                                // (5D) = (960) for SSAM-Tiny
 * }
 * }</pre>
 */
public final class SsamEmbedder {
    /** Windows encoded together by default (memory grows linearly with it). */
    public static final int DEFAULT_WINDOW_BATCH = 8;

    private final SsamParams params;
    private final Backend backend;
    /** Where decoding, resampling and log-mel run: the model's backend, or Ref for a GPU backend (no GPU front end yet). */
    private final Backend frontEnd;
    private final int windowBatch;
    /** Kernels for one window on one thread (no pool: safe to share between threads). */
    private static final Backend ONE_THREAD = Backend.cpu(1);
    /** Per calling thread: encoder buffers by window count, so repeated calls allocate nothing. */
    private final ThreadLocal<Int2ObjectOpenHashMap<SsamEncoder.Buffers>> buffers =
            ThreadLocal.withInitial(Int2ObjectOpenHashMap::new);
    /** Per calling thread: the input and feature buffers of the last call (reused for the same window count). */
    private final ThreadLocal<IoBuffers> ioBuffers = new ThreadLocal<>();

    /** An embedder over {@code params} computing on {@code backend}, 8 windows at a time. */
    public SsamEmbedder(SsamParams params, Backend backend) {
        this(params, backend, DEFAULT_WINDOW_BATCH);
    }

    /** As above, encoding at most {@code windowBatch} 2-second windows per encoder call. */
    public SsamEmbedder(SsamParams params, Backend backend, int windowBatch) {
        if (windowBatch < 1) {
            throw new IllegalArgumentException("SsamEmbedder: windowBatch is " + windowBatch + ", expected >= 1");
        }
        this.params = params;
        this.backend = backend;
        this.frontEnd = LogMel.frontEnd(backend);
        this.windowBatch = windowBatch;
    }

    public SsamConfig config() {
        return params.config();
    }

    public Backend backend() {
        return backend;
    }

    /** Embeds a WAV, FLAC, Ogg Vorbis or AIFF file at any sample rate (resampled to 16 kHz, channels averaged). */
    public ClipEmbedding embed(Path audioFile) throws IOException {
        AudioClip clip = AudioFiles.read(audioFile);
        return embed(clip.samples(), clip.sampleRate());
    }

    /** Embeds mono float PCM in [-1, 1] at {@code sampleRate} Hz. */
    public ClipEmbedding embed(float[] pcm, int sampleRate) {
        return embedAll(List.of(pcm), sampleRate).getFirst();
    }

    /**
     * Embeds several clips of mono float PCM at {@code sampleRate} Hz; the 2-second windows of all
     * clips are batched together.
     */
    public List<ClipEmbedding> embedAll(List<float[]> clips, int sampleRate) {
        SsamConfig c = params.config();
        int t = c.frames();
        int f = c.melBins();
        List<float[]> waves = new ArrayList<>(clips.size());
        for (float[] pcm : clips) {
            waves.add(sampleRate == LogMel.SAMPLE_RATE ? pcm : Resampler.resample(frontEnd, pcm, sampleRate, LogMel.SAMPLE_RATE));
        }
        List<Tensor> mels = LogMel.compute(frontEnd, waves, Integer.MAX_VALUE);
        int n = mels.size();
        int[] windows = new int[n];
        int[] firstWindow = new int[n];
        int totalWindows = 0;
        for (int i = 0; i < n; i++) {
            windows[i] = (mels.get(i).dim(0) + t - 1) / t;
            firstWindow[i] = totalWindows;
            totalWindows += windows[i];
        }
        // All windows of all clips, zero-padded on the frame axis: (W, T, F); (W, 50, 5D) features.
        IoBuffers io = ioBuffers(totalWindows);
        float[] in = io.input.data();
        int windowFloats = t * f;
        forEachClip(n, i -> {
            Tensor m = mels.get(i);
            LogMel.normalize(m, m, LogMel.StdMode.UNBIASED);
            int at = firstWindow[i] * windowFloats;
            System.arraycopy(m.data(), m.offset(), in, at, m.size());
            Arrays.fill(in, at + m.size(), at + windows[i] * windowFloats, 0f);
        });
        Tensor input = io.input;
        Tensor feats = io.feats;
        if (backend instanceof Backend.Cpu cpu && cpu.threads() > 1 && totalWindows >= cpu.threads()) {
            // Whole windows per thread, each thread running one-thread kernels: windows are independent,
            // a window's working set stays in its core's L2, and no op waits on a fork-join per layer.
            // One-thread and multi-thread Cpu kernels give bitwise the same results.
            cpu.parallel().forRange(totalWindows, (from, to, worker) -> encode(ONE_THREAD, input, feats, from, to));
        } else {
            encode(backend, input, feats, 0, totalWindows);
        }
        float[] fd = feats.data();   // one download from a GPU device
        int framesPerWindow = c.gridFrames();
        int featDim = c.featureDim();
        ClipEmbedding[] result = new ClipEmbedding[n];
        forEachClip(n, i -> {
            int frames = mels.get(i).dim(0);
            int pad = windows[i] * t - frames;
            int kept = windows[i] * framesPerWindow - (framesPerWindow * pad) / t;
            double durationMs = 1000.0 * waves.get(i).length / LogMel.SAMPLE_RATE;
            result[i] = assemble(fd, firstWindow[i] * framesPerWindow * featDim, kept, featDim, durationMs);
        });
        return List.of(result);
    }

    /** Per calling thread: the last call's input and feature buffers, reused while the window count stays. */
    private record IoBuffers(int windows, Tensor input, Tensor feats) {
    }

    private IoBuffers ioBuffers(int totalWindows) {
        IoBuffers io = ioBuffers.get();
        if (io == null || io.windows != totalWindows) {
            SsamConfig c = params.config();
            io = new IoBuffers(totalWindows, Tensor.zeros(totalWindows, c.frames(), c.melBins()),
                    Tensor.zeros(totalWindows, c.gridFrames(), c.featureDim()));
            ioBuffers.set(io);
        }
        return io;
    }

    /** Runs {@code body} for clips 0..n-1, spread over the front end's threads where it has several. */
    private void forEachClip(int n, IntConsumer body) {
        if (frontEnd instanceof Backend.Cpu cpu && cpu.threads() > 1 && n > 1) {
            cpu.parallel().forRange(n, (from, to, worker) -> {
                for (int i = from; i < to; i++) {
                    body.accept(i);
                }
            });
        } else {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
        }
    }

    /** Features (n, 50, 5D) of windows {@code [from, to)} of {@code input} into {@code feats}, windowBatch at a time. */
    private void encode(Backend b, Tensor input, Tensor feats, int from, int to) {
        SsamConfig c = params.config();
        for (int start = from; start < to; start += windowBatch) {
            int end = Math.min(to, start + windowBatch);
            SsamEncoder.Buffers buf = buffers.get().computeIfAbsent(end - start, k -> SsamEncoder.Buffers.allocate(c, k));
            SsamEncoder.features(b, params, input.slice0(start, end), buf, feats.slice0(start, end));
        }
    }

    /** A clip's embedding from its {@code kept} feature rows of width {@code dim} at {@code feats[offset]}. */
    private static ClipEmbedding assemble(float[] feats, int offset, int kept, int dim, double durationMs) {
        Tensor ts = Tensor.zeros(kept, dim);                 // (kept, 5D)
        float[] d = ts.data();
        System.arraycopy(feats, offset, d, 0, kept * dim);
        float[] times = new float[kept];
        for (int i = 0; i < kept; i++) {
            times[i] = (float) (i * (durationMs / kept));
        }
        double[] sum = new double[dim];
        for (int i = 0; i < kept; i++) {
            for (int j = 0; j < dim; j++) {
                sum[j] += d[i * dim + j];
            }
        }
        Tensor scene = Tensor.zeros(dim);
        for (int j = 0; j < dim; j++) {
            scene.data()[j] = (float) (sum[j] / kept);
        }
        return new ClipEmbedding(ts, times, scene, durationMs);
    }
}
