package dev.ssam.ops.melspec;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Parallel;
import dev.ssam.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The SSAM log-mel front end (SSAM-SPEC section 1): 16 kHz mono waveform to a time-major (T, 80)
 * log-mel spectrogram, and its per-clip normalisation.
 *
 * <p>Formula, for a clip x of S samples (S > 200), T = 1 + floor(S / 160) frames:
 * <pre>
 *   xp      = reflect_pad(x, 200, 200)                       (torch "reflect": edge not repeated)
 *   X[t, k] = sum_n xp[160 t + n] w[n] e^(-2 pi i k n / 400),  w[n] = 0.5 - 0.5 cos(2 pi n / 400)
 *   P[t, k] = |X[t, k]|^2,                                    k = 0 .. 200
 *   out[t, m] = log(sum_k P[t, k] fb[k, m] + 1.1920929e-07)   fb = {@link MelFilterbank#ssam()}
 * </pre>
 * which is {@code log(torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=400,
 * win_length=400, hop_length=160, f_min=50, f_max=8000, n_mels=80)(x) + eps)} transposed to
 * time-major.
 *
 * <p>Normalisation ({@link #normalize}): per clip over all T x 80 values,
 * {@code (v - mean) / (std + 1e-8)}, mean and std accumulated in double; std divides by n - 1
 * ({@link StdMode#UNBIASED}, inference and the golden files) or by n ({@link StdMode#BIASED}, the
 * official pretraining loader). When a fixed frame count is wanted (the model's 200-frame window),
 * crop first, then normalise ({@link #features(Backend, float[], int, StdMode)}).
 *
 * <p>Shapes: one clip {@code wave: (S)} to {@code out: (T, 80)}, or a batch of equal-length clips
 * {@code wave: (B, S)} to {@code out: (B, T, 80)}, mel bins fastest. {@code out} may have fewer
 * frames than T: the first frames are computed (a crop). Clips of different lengths go through
 * {@link #compute(Backend, List, int)}.
 *
 * <p>Deviations from torch: the FFT is JTransforms' float32 real FFT (torch uses pocketfft or
 * MKL, also float32); Ref sums power and mel in double, Cpu in float over each filter's nonzero
 * bins. Clips shorter than {@value #MIN_SAMPLES} samples are rejected, as torch's reflect padding
 * rejects them (padding must be smaller than the input); we do not zero-pad them. Non-finite
 * samples give non-finite frames, as in torch.
 *
 * <pre>{@code
 * Tensor raw = LogMel.compute(backend, wave16k);                       // (T, 80)
 * Tensor x = LogMel.features(backend, wave16k, 200, StdMode.UNBIASED); // first 200 frames, normalised
 * }</pre>
 */
public final class LogMel {
    /** Expected input sample rate. */
    public static final int SAMPLE_RATE = 16_000;
    /** FFT size and window length. */
    public static final int N_FFT = 400;
    /** Hop between frames, in samples. */
    public static final int HOP = 160;
    /** Centre padding on each side (n_fft / 2). */
    public static final int PAD = N_FFT / 2;
    /** One-sided STFT bins. */
    public static final int N_FREQS = N_FFT / 2 + 1;
    /** Mel bands F. */
    public static final int N_MELS = 80;
    /** Lowest filter edge, Hz. */
    public static final float F_MIN = 50f;
    /** Highest filter edge, Hz. */
    public static final float F_MAX = 8000f;
    /** Added before the log: float32 machine epsilon 2^-23. */
    public static final float LOG_OFFSET = 1.1920929e-07f;
    /** Added to the std in normalisation. */
    public static final double NORM_EPS = 1e-8;
    /** Shortest clip: reflect padding by {@value #PAD} needs more samples than that. */
    public static final int MIN_SAMPLES = PAD + 1;

    /** Which standard deviation {@link #normalize} divides by. */
    public enum StdMode {
        /** Bessel-corrected, divides by n - 1 ({@code torch.std} default): inference and golden files. */
        UNBIASED,
        /** Divides by n: the official pretraining data loader. */
        BIASED
    }

    /**
     * Checked sizes of one call.
     *
     * @param batch   clips B (1 for a single clip)
     * @param samples samples S of each clip
     * @param frames  frames computed per clip, at most 1 + S / 160
     */
    public record Dims(int batch, int samples, int frames) {
    }

    /** One clip's job: input window, output window (frames x 80 floats). */
    record Clip(float[] data, int offset, int samples, float[] out, int outOffset, int frames) {
    }

    /** The op name of {@link #windows} in messages and GPU profiles. */
    static final String WINDOWS = "logMelWindows";

    private LogMel() {
    }

    /** Frames T of a clip of {@code samples} samples: 1 + floor(S / 160). */
    public static int frames(int samples) {
        return 1 + samples / HOP;
    }

    /**
     * Validates {@code wave: (S)} with {@code out: (T', 80)} or {@code wave: (B, S)} with
     * {@code out: (B, T', 80)}, {@code 1 <= T' <= 1 + S / 160}, {@code S >= 201}.
     */
    public static Dims check(Tensor wave, Tensor out) {
        if (wave == null || (wave.rank() != 1 && wave.rank() != 2)) {
            throw new IllegalArgumentException("logMel: wave is " + (wave == null ? "missing (null)" : wave.shapeString())
                    + ", expected [samples=S] or [batch=B, samples=S]");
        }
        int batch = wave.rank() == 2 ? wave.dim(0) : 1;
        int s = wave.dim(wave.rank() - 1);
        requireSamples(s, "wave");
        int full = frames(s);
        int frames = out == null || out.rank() != wave.rank() + 1 ? -1 : out.dim(out.rank() - 2);
        boolean ok = frames >= 1 && frames <= full && out.dim(out.rank() - 1) == N_MELS
                && (wave.rank() == 1 || out.dim(0) == batch);
        if (!ok) {
            String expected = wave.rank() == 1 ? "[frames=" + full + ", mels=" + N_MELS + "]"
                    : "[batch=" + batch + ", frames=" + full + ", mels=" + N_MELS + "]";
            throw new IllegalArgumentException("logMel: out is " + (out == null ? "missing (null)" : out.shapeString())
                    + ", expected " + expected + " (or fewer frames, to crop) for " + s + " samples");
        }
        if (out.data() == wave.data() && out.offset() < wave.offset() + wave.size()
                && wave.offset() < out.offset() + out.size()) {
            throw new IllegalArgumentException("logMel: out overlaps wave; in-place use is not supported");
        }
        return new Dims(batch, s, frames);
    }

    /** Log-mel of {@code wave} into {@code out} (overwritten); shapes as {@link #check}. */
    public static void compute(Backend backend, Tensor wave, Tensor out) {
        Dims d = check(wave, out);
        List<Clip> clips = new ArrayList<>(d.batch());
        for (int b = 0; b < d.batch(); b++) {
            clips.add(new Clip(wave.data(), wave.offset() + b * d.samples(), d.samples(), out.data(),
                    out.offset() + b * d.frames() * N_MELS, d.frames()));
        }
        run(backend, clips);
    }

    /** Log-mel of one clip: a new (T, 80) tensor. */
    public static Tensor compute(Backend backend, float[] wave) {
        return compute(backend, wave, Integer.MAX_VALUE);
    }

    /** Log-mel of the first {@code min(T, maxFrames)} frames of one clip: a new (T', 80) tensor. */
    public static Tensor compute(Backend backend, float[] wave, int maxFrames) {
        return compute(backend, List.of(wave), maxFrames).getFirst();
    }

    /**
     * Log-mels of clips of any lengths, each cropped to {@code min(T_i, maxFrames)} frames, computed
     * together (Cpu spreads all frames of all clips over its threads).
     *
     * @return one new (T_i', 80) tensor per clip, in order
     */
    public static List<Tensor> compute(Backend backend, List<float[]> waves, int maxFrames) {
        if (maxFrames < 1) {
            throw new IllegalArgumentException("logMel: maxFrames is " + maxFrames + ", expected at least 1");
        }
        List<Clip> clips = new ArrayList<>(waves.size());
        List<Tensor> outs = new ArrayList<>(waves.size());
        for (int i = 0; i < waves.size(); i++) {
            float[] w = waves.get(i);
            requireSamples(w.length, "clip " + i);
            int frames = Math.min(frames(w.length), maxFrames);
            Tensor out = Tensor.zeros(frames, N_MELS);
            outs.add(out);
            clips.add(new Clip(w, 0, w.length, out.data(), 0, frames));
        }
        run(backend, clips);
        return outs;
    }

    private static void run(Backend backend, List<Clip> clips) {
        switch (backend) {
            case Backend.Ref r -> LogMelRef.compute(clips);
            case Backend.Cpu c -> LogMelCpu.compute(c, clips);
            case Backend.Gpu g -> throw new IllegalArgumentException("logMel: the " + g.name() + " device does not run the "
                    + "log-mel front end; compute it on the ref or cpu device");
        }
    }

    /**
     * The backend the host front end (resampling, per-clip log-mels) runs on when the model runs on
     * {@code model}: the same for Ref and Cpu; for a GPU backend one process-wide Cpu backend on every
     * core (its workers are daemon threads, made on first use and kept). The model's windowed
     * input itself ({@link #windows}) runs on the GPU.
     */
    public static Backend frontEnd(Backend model) {
        return switch (model) {
            case Backend.Ref r -> r;
            case Backend.Cpu c -> c;
            case Backend.Gpu g -> HostFrontEnd.BACKEND;
        };
    }

    /**
     * The model input of several clips on one backend: each clip's log-mel, cut into windows of
     * {@code T = out.dim(1)} frames (the last zero-padded), normalised over the clip's frames
     * ({@code mode}), the clips' windows in order: {@code out (W, T, 80)} with
     * {@code W = sum_i ceil(frames_i / T)}. Ref and Cpu compute, normalise and pack on the host
     * (Cpu spreads clips over its threads); a GPU device computes everything after gathering the
     * samples ({@code kernels/logmel.cl}; its DFT is a direct compensated sum, within 4e-5 of the
     * host reference on normalised values, and closer to the golden log-mels than the host's FFT).
     *
     * @param waves clips of 16 kHz mono samples, each at least {@value #MIN_SAMPLES} long
     * @param out   (W, T, 80), overwritten
     */
    public static void windows(Backend backend, List<float[]> waves, StdMode mode, Tensor out) {
        if (out == null || out.rank() != 3 || out.dim(2) != N_MELS || out.dim(1) < 1) {
            throw new IllegalArgumentException(WINDOWS + ": out is " + (out == null ? "missing (null)" : out.shapeString())
                    + ", expected [windows=W, frames=T, mels=" + N_MELS + "]");
        }
        int t = out.dim(1);
        int n = waves.size();
        int[] frames = new int[n];
        int[] windows = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            requireSamples(waves.get(i).length, "clip " + i);
            frames[i] = frames(waves.get(i).length);
            windows[i] = (frames[i] + t - 1) / t;
            total += windows[i];
        }
        if (out.dim(0) != total) {
            throw new IllegalArgumentException(WINDOWS + ": out is " + out.shapeString() + ", expected [windows=" + total
                    + ", frames=" + t + ", mels=" + N_MELS + "] for " + n + " clips of " + java.util.Arrays.toString(frames)
                    + " frames");
        }
        switch (backend) {
            case Backend.Ref r -> hostWindows(r, waves, frames, windows, mode, out);
            case Backend.Cpu c -> hostWindows(c, waves, frames, windows, mode, out);
            case Backend.Gpu g -> LogMelGpu.windows(g.context(), HostFrontEnd.BACKEND, waves, frames, windows, mode, out);
        }
    }

    /** {@link #windows} on the host: log-mels on {@code backend}, then normalise and pack per clip. */
    private static void hostWindows(Backend backend, List<float[]> waves, int[] frames, int[] windows, StdMode mode,
                                    Tensor out) {
        List<Tensor> mels = compute(backend, waves, Integer.MAX_VALUE);
        int windowFloats = out.dim(1) * N_MELS;
        int[] at = new int[waves.size()];
        for (int i = 1; i < at.length; i++) {
            at[i] = at[i - 1] + windows[i - 1] * windowFloats;
        }
        float[] o = out.data();
        int base = out.offset();
        Backend.forEachIndex(backend, waves.size(), i -> {
            Tensor m = mels.get(i);
            normalize(m, m, mode);
            System.arraycopy(m.data(), m.offset(), o, base + at[i], m.size());
            java.util.Arrays.fill(o, base + at[i] + m.size(), base + at[i] + windows[i] * windowFloats, 0f);
        });
    }

    /** Holder of the GPU backends' host front end (created on first use). */
    private static final class HostFrontEnd {
        static final Backend BACKEND = Backend.cpu(Parallel.availableCores());
    }

    /**
     * Normalises per clip: {@code out = (in - mean) / (std + 1e-8)} over each clip's T x 80
     * values. {@code in: (T, 80)} is one clip, {@code in: (B, T, 80)} is B clips; {@code out} has
     * the same shape and may be {@code in} itself (in place), but not a partial overlap.
     */
    public static void normalize(Tensor in, Tensor out, StdMode mode) {
        if (in == null || (in.rank() != 2 && in.rank() != 3) || in.dim(in.rank() - 1) != N_MELS) {
            throw new IllegalArgumentException("logMel.normalize: in is " + (in == null ? "missing (null)"
                    : in.shapeString()) + ", expected [frames=T, mels=80] or [batch=B, frames=T, mels=80]");
        }
        if (out == null || !out.sameShape(in)) {
            throw new IllegalArgumentException("logMel.normalize: out is " + (out == null ? "missing (null)"
                    : out.shapeString()) + ", expected " + in.shapeString() + " like in");
        }
        boolean same = out.data() == in.data() && out.offset() == in.offset();
        if (!same && out.data() == in.data() && out.offset() < in.offset() + in.size()
                && in.offset() < out.offset() + out.size()) {
            throw new IllegalArgumentException("logMel.normalize: out partly overlaps in; use in itself or a separate tensor");
        }
        int batch = in.rank() == 3 ? in.dim(0) : 1;
        int n = in.size() / batch;
        for (int b = 0; b < batch; b++) {
            normalizeClip(in.data(), in.offset() + b * n, out.data(), out.offset() + b * n, n, mode);
        }
    }

    private static void normalizeClip(float[] x, int xo, float[] y, int yo, int n, StdMode mode) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[xo + i];
        }
        double mean = sum / n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = x[xo + i] - mean;
            ss += d * d;
        }
        double std = Math.sqrt(ss / (mode == StdMode.UNBIASED ? n - 1 : n));
        // torch applies (x - mean) / (std + eps) in float32 with float32 mean and std.
        float meanF = (float) mean;
        float denom = (float) std + (float) NORM_EPS;
        for (int i = 0; i < n; i++) {
            y[yo + i] = (x[xo + i] - meanF) / denom;
        }
    }

    /**
     * The model input of one clip: log-mel of its first {@code min(T, frames)} frames, normalised
     * over them. {@code frames = Integer.MAX_VALUE} keeps the whole clip.
     *
     * @return a new (min(T, frames), 80) tensor
     */
    public static Tensor features(Backend backend, float[] wave, int frames, StdMode mode) {
        Tensor x = compute(backend, wave, frames);
        normalize(x, x, mode);
        return x;
    }

    private static void requireSamples(int s, String what) {
        if (s < MIN_SAMPLES) {
            throw new IllegalArgumentException("logMel: " + what + " has " + s + " samples; centre reflect padding by "
                    + PAD + " needs at least " + MIN_SAMPLES + " (12.6 ms at 16 kHz)");
        }
    }
}
