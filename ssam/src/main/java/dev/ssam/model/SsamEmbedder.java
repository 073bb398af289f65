package dev.ssam.model;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.audio.Resampler;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.RuntimeFlags;
import dev.ssam.runtime.Tensor;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    /** Windows encoded together by default on the host backends (memory grows linearly with it). */
    public static final int DEFAULT_WINDOW_BATCH = 8;
    /**
     * On a GPU, clips are embedded in stages of at least this many windows by default
     * ({@link #gpuStageWindows}), or of the window batch when that is larger: the host gathers a
     * stage's samples while the device works on the stage before (device work is queued, not waited
     * for), and a stage's features come back (on a second queue) and are assembled into embeddings
     * while the device works on the stages after.
     */
    public static final int GPU_STAGE_WINDOWS = RuntimeFlags.DEFAULT_STAGE_WINDOWS;

    private final SsamParams params;
    private final Backend backend;
    /**
     * Where resampling runs: the model's backend, or the host's Cpu backend for a GPU. (The log-mel
     * windows run on the model's backend, a GPU included: {@link LogMel#windows}.)
     */
    private final Backend frontEnd;
    private final int windowBatch;
    /** Kernels for one window on one thread (no pool: safe to share between threads). */
    private static final Backend ONE_THREAD = Backend.cpu(1);
    /** Per calling thread: encoder buffers by window count (see {@link #buffersFor}), so repeated calls allocate nothing. */
    private final ThreadLocal<Int2ObjectOpenHashMap<SsamEncoder.Buffers>> buffers =
            ThreadLocal.withInitial(Int2ObjectOpenHashMap::new);
    /** Per calling thread: the input and feature buffers of the last call (reused for the same window count). */
    private final ThreadLocal<IoBuffers> ioBuffers = new ThreadLocal<>();

    /**
     * An embedder over {@code params} computing on {@code backend}, {@link #defaultWindowBatch}
     * windows at a time.
     */
    public SsamEmbedder(SsamParams params, Backend backend) {
        this(params, backend, defaultWindowBatch(backend));
    }

    /**
     * Windows per encoder call by default: {@value #DEFAULT_WINDOW_BATCH} on the host backends (a
     * window's working set stays in cache), a whole stage ({@link #gpuStageWindows}) on a GPU, where
     * small calls leave the device waiting on kernel launches.
     */
    public static int defaultWindowBatch(Backend backend) {
        return backend instanceof Backend.Gpu ? gpuStageWindows() : DEFAULT_WINDOW_BATCH;
    }

    /**
     * Windows per stage of a GPU call, at least: {@code -Dssam.gpu.stageWindows} ({@link RuntimeFlags}),
     * else {@value #GPU_STAGE_WINDOWS}. Smaller stages start the device sooner and leave less
     * download and assembly after its last kernel; larger ones give each kernel more work.
     */
    public static int gpuStageWindows() {
        return RuntimeFlags.CURRENT.gpuStageWindows();
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
     * Mono float PCM at {@code sampleRate} Hz as the model takes it: resampled to 16 kHz on the host
     * (the array itself when already at 16 kHz), for {@link #embedAll} at
     * {@link LogMel#SAMPLE_RATE}; lets a caller reject a clip before batching it with others.
     *
     * @throws IllegalArgumentException when the clip is shorter than {@value LogMel#MIN_SAMPLES}
     *                                  samples at 16 kHz (the log-mel's reflect padding needs them)
     */
    public float[] atModelRate(float[] pcm, int sampleRate) {
        float[] wave = sampleRate == LogMel.SAMPLE_RATE ? pcm : Resampler.resample(frontEnd, pcm, sampleRate,
                LogMel.SAMPLE_RATE);
        if (wave.length < LogMel.MIN_SAMPLES) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "audio is %.1f ms long (%d samples at 16 kHz); the model needs at least %d samples (%.1f ms)",
                    1000.0 * wave.length / LogMel.SAMPLE_RATE, wave.length, LogMel.MIN_SAMPLES,
                    1000.0 * LogMel.MIN_SAMPLES / LogMel.SAMPLE_RATE));
        }
        return wave;
    }

    /** The 200-frame windows a clip of {@code samples} samples at 16 kHz is encoded in. */
    public int windowsOf(int samples) {
        int t = params.config().frames();
        return (LogMel.frames(samples) + t - 1) / t;
    }

    /** Windows per encoder call. */
    public int windowBatch() {
        return windowBatch;
    }

    /**
     * Embeds several clips of mono float PCM at {@code sampleRate} Hz; the 2-second windows of all
     * clips are batched together.
     */
    public List<ClipEmbedding> embedAll(List<float[]> clips, int sampleRate) {
        SsamConfig c = params.config();
        int t = c.frames();
        long t0 = System.nanoTime();
        List<float[]> waves = new ArrayList<>(clips.size());
        for (float[] pcm : clips) {
            waves.add(sampleRate == LogMel.SAMPLE_RATE ? pcm : Resampler.resample(frontEnd, pcm, sampleRate, LogMel.SAMPLE_RATE));
        }
        t0 = hostPhase(t0, "host: resample");
        int n = waves.size();
        int[] frames = new int[n];
        int[] windows = new int[n];
        for (int i = 0; i < n; i++) {
            frames[i] = LogMel.frames(waves.get(i).length);
            windows[i] = (frames[i] + t - 1) / t;
        }
        // Stages of whole clips: on a GPU the host gathers a stage's samples while the device works on the one before.
        int[] stageStart = stages(windows,
                backend instanceof Backend.Gpu ? Math.max(gpuStageWindows(), windowBatch) : Integer.MAX_VALUE);
        int stages = stageStart.length - 1;
        int[] stageWindows = new int[stages];
        for (int st = 0; st < stages; st++) {
            for (int i = stageStart[st]; i < stageStart[st + 1]; i++) {
                stageWindows[st] += windows[i];
            }
        }
        IoBuffers io = ioBuffers(stageWindows);
        int[] windowInStage = new int[n];
        for (int st = 0; st < stages; st++) {
            int from = stageStart[st];
            int to = stageStart[st + 1];
            for (int i = from, w = 0; i < to; w += windows[i], i++) {
                windowInStage[i] = w;
            }
            // log-mel, per-clip normalisation and zero-padded windows: on the host for Ref and Cpu,
            // on the device for a GPU (the host only gathers each window's samples)
            LogMel.windows(backend, waves.subList(from, to), LogMel.StdMode.UNBIASED, io.inputs[st]);
            t0 = hostPhase(t0, "log-mel windows (queued on a GPU)");
            encodeStage(io.inputs[st], io.feats[st]);
            // on a GPU the stage's features start down (a second queue) while the next stage computes
            io.feats[st].prefetchToHost();
            t0 = hostPhase(t0, "encoder (queued on a GPU)");
        }
        int framesPerWindow = c.gridFrames();
        int featDim = c.featureDim();
        ClipEmbedding[] result = new ClipEmbedding[n];
        for (int st = 0; st < stages; st++) {
            float[] fd = io.feats[st].data();   // waits for this stage's download only
            t0 = hostPhase(t0, "features to the host");
            int from = stageStart[st];
            Backend.forEachIndex(frontEnd, stageStart[st + 1] - from, k -> {
                int i = from + k;
                int pad = windows[i] * t - frames[i];
                int kept = windows[i] * framesPerWindow - (framesPerWindow * pad) / t;
                double durationMs = 1000.0 * waves.get(i).length / LogMel.SAMPLE_RATE;
                result[i] = assemble(fd, windowInStage[i] * framesPerWindow * featDim, kept, featDim, durationMs);
            });
            t0 = hostPhase(t0, "host: assemble embeddings");
        }
        return List.of(result);
    }

    /**
     * Cuts clips into stages of whole clips holding at least {@code stageWindows} windows each (the
     * last may hold fewer): the first clip index of every stage, then {@code n}.
     */
    static int[] stages(int[] windows, int stageWindows) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int inStage = 0;
        for (int i = 0; i < windows.length; i++) {
            inStage += windows[i];
            if (inStage >= stageWindows && i + 1 < windows.length) {
                starts.add(i + 1);
                inStage = 0;
            }
        }
        starts.add(windows.length);
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Features (W, 50, 5D) of one stage's windows (W, T, F). */
    private void encodeStage(Tensor input, Tensor feats) {
        int w = input.dim(0);
        if (backend instanceof Backend.Cpu cpu && cpu.threads() > 1 && w >= cpu.threads()) {
            // Whole windows per thread, each thread running one-thread kernels: windows are independent,
            // a window's working set stays in its core's L2, and no op waits on a fork-join per layer.
            // One-thread and multi-thread Cpu kernels give bitwise the same results.
            cpu.parallel().forRange(w, (from, to, worker) -> encode(ONE_THREAD, input, feats, from, to));
        } else {
            encode(backend, input, feats, 0, w);
        }
    }

    /** Per calling thread: the last call's per-stage input and feature buffers, reused while the stages' window counts stay. */
    private record IoBuffers(int[] stageWindows, Tensor[] inputs, Tensor[] feats) {
    }

    private IoBuffers ioBuffers(int[] stageWindows) {
        IoBuffers io = ioBuffers.get();
        if (io == null || !Arrays.equals(io.stageWindows, stageWindows)) {
            SsamConfig c = params.config();
            Tensor[] inputs = new Tensor[stageWindows.length];
            Tensor[] feats = new Tensor[stageWindows.length];
            for (int st = 0; st < stageWindows.length; st++) {
                inputs[st] = Tensor.zeros(stageWindows[st], c.frames(), c.melBins());
                feats[st] = Tensor.zeros(stageWindows[st], c.gridFrames(), c.featureDim());
            }
            io = new IoBuffers(stageWindows.clone(), inputs, feats);
            ioBuffers.set(io);
        }
        return io;
    }

    /**
     * On a GPU backend that is being profiled, records the time since {@code since} as host work
     * {@code what} of op {@code embedAll} ({@link dev.ssam.runtime.gpu.GpuContext#recordHost});
     * returns now.
     */
    private long hostPhase(long since, String what) {
        long now = System.nanoTime();
        if (backend instanceof Backend.Gpu g) {
            g.context().recordHost("embedAll", what, now - since);
        }
        return now;
    }

    /** Features (n, 50, 5D) of windows {@code [from, to)} of {@code input} into {@code feats}, windowBatch at a time. */
    private void encode(Backend b, Tensor input, Tensor feats, int from, int to) {
        SsamConfig c = params.config();
        for (int start = from; start < to; start += windowBatch) {
            int end = Math.min(to, start + windowBatch);
            SsamEncoder.features(b, params, input.slice0(start, end), buffersFor(end - start),
                    feats.slice0(start, end));
        }
    }

    /**
     * This thread's encoder buffers for calls of {@code windows} windows: kept for the full window
     * batch and for the last other size only (a caller batching clips of varied lengths meets many
     * sizes; each set of buffers is about 3.8 MB a window for SSAM-Tiny).
     */
    private SsamEncoder.Buffers buffersFor(int windows) {
        Int2ObjectOpenHashMap<SsamEncoder.Buffers> cache = buffers.get();
        SsamEncoder.Buffers buf = cache.get(windows);
        if (buf == null) {
            if (windows != windowBatch) {
                cache.keySet().removeIf(k -> k != windowBatch);
            }
            buf = SsamEncoder.Buffers.allocate(params.config(), windows);
            cache.put(windows, buf);
        }
        return buf;
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
        float[] sc = scene.data();   // once: each data() call consults the device registry under a global lock
        for (int j = 0; j < dim; j++) {
            sc[j] = (float) (sum[j] / kept);
        }
        return new ClipEmbedding(ts, times, scene, durationMs);
    }
}
