package dev.ssam.ops.melspec;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

import java.util.List;

/**
 * {@link LogMel#windows} on a GPU device ({@code kernels/logmel.cl}). The host only gathers, per
 * window, the reflect-padded samples its frames read (one copy of the audio, about 1.6% more than
 * the clip); the device windows each frame, takes its 201 DFT bins as direct sums over the 400
 * samples (compensated float sums, about twice float precision, over 199 folded pairs of samples:
 * x_n and x_{400-n} share their twiddles) with tabled twiddles, applies the
 * mel filterbank and the log, writes zeros for padding frames, then normalises each clip over its
 * frames. The host reference takes a float FFT and sums power and mels in double; on normalised
 * values the two differ by at most 4e-5 on the tests' clips (the FFT's rounding), within
 * {@code Tolerance.GPU_VS_REF}.
 */
final class LogMelGpu {
    private static final KernelSource SRC = KernelSource.load(LogMelGpu.class, "logmel.cl");
    private static final int FRAME_GROUP = 256;
    private static final int NORM_GROUP = 256;
    /** (N_FFT) the Hann window, (2, N_FFT) the twiddles, (N_FREQS, N_MELS) the filterbank: kept on the device. */
    private static final Tensor HANN = Tensor.of(Framing.WINDOW.clone(), LogMel.N_FFT);
    /**
     * Per calling thread, the gathered samples of its last call, reused: a stage's 16 MB array was
     * allocated and zeroed on every call. Nothing needs zeroing: the kernel reads a window's samples
     * only up to its last real frame, and the gather writes all of those. A thread keeps the largest
     * array it needed (about 127 KB a window: 16 MB for a stage of 128 windows).
     */
    private static final ThreadLocal<float[]> SEGMENTS = ThreadLocal.withInitial(() -> new float[0]);
    private static final Tensor TWIDDLE = twiddles();
    private static final Tensor FILTERBANK = MelFilterbank.ssam();

    private LogMelGpu() {
    }

    private static Tensor twiddles() {
        int n = LogMel.N_FFT;
        float[] t = new float[2 * n];
        for (int j = 0; j < n; j++) {
            t[j] = (float) Math.cos(2 * Math.PI * j / n);
            t[n + j] = (float) Math.sin(2 * Math.PI * j / n);
        }
        return Tensor.of(t, 2, n);
    }

    /**
     * @param host     the backend that gathers the windows' samples (a Cpu backend spreads clips over its threads)
     * @param frames   log-mel frames of each clip
     * @param windows  windows of each clip (ceil(frames / T))
     */
    static void windows(GpuContext gpu, Backend host, List<float[]> waves, int[] frames, int[] windows,
                        LogMel.StdMode mode, Tensor out) {
        int clips = waves.size();
        int t = out.dim(1);
        int segLen = (t - 1) * LogMel.HOP + LogMel.N_FFT;
        int w = out.dim(0);
        int[] firstWindow = new int[clips];
        float[] row0 = new float[clips];
        float[] rows = new float[clips];
        for (int i = 0, at = 0; i < clips; at += windows[i], i++) {
            firstWindow[i] = at;
            row0[i] = (float) at * t;
            rows[i] = frames[i];
        }
        float[] seg = SEGMENTS.get();
        if (seg.length < w * segLen) {
            seg = new float[w * segLen];
            SEGMENTS.set(seg);
        }
        float[] real = new float[w];
        float[] segments = seg;
        Backend.forEachIndex(host, clips,
                i -> gather(waves.get(i), frames[i], windows[i], t, segLen, segments, real, firstWindow[i]));
        try (GpuSession s = gpu.session(LogMel.WINDOWS)) {
            GpuProgram p = s.program(SRC, null);
            GpuBuffer o = s.out(out);
            s.launch1d(p, "logmel_frames", (long) w * t * FRAME_GROUP, FRAME_GROUP,
                    s.upload(Tensor.view(seg, 0, w, segLen)), s.upload(Tensor.of(real, w)), s.in(HANN), s.in(TWIDDLE),
                    s.in(FILTERBANK), o, w * t, t, segLen, LogMel.LOG_OFFSET);
            s.launch1d(p, "logmel_normalize", (long) clips * NORM_GROUP, NORM_GROUP, o,
                    s.upload(Tensor.of(row0, clips)), s.upload(Tensor.of(rows, clips)), clips,
                    mode == LogMel.StdMode.UNBIASED ? 1 : 0, (float) LogMel.NORM_EPS);
        }
    }

    /**
     * The samples each window of one clip reads, reflect-padded as {@link Framing#reflect}:
     * {@code seg[w, j] = x[reflect(t0 HOP + j)]} for the window's first frame t0, up to its last real
     * frame; and the window's real frame count.
     */
    private static void gather(float[] x, int frames, int windows, int t, int segLen, float[] seg, float[] real,
                               int firstWindow) {
        int s = x.length;
        for (int k = 0; k < windows; k++) {
            int w = firstWindow + k;
            int t0 = k * t;
            int realFrames = Math.min(t, frames - t0);
            real[w] = realFrames;
            int p0 = t0 * LogMel.HOP;
            int len = (realFrames - 1) * LogMel.HOP + LogMel.N_FFT;
            int base = w * segLen;
            // interior run: padded positions p with 0 <= p - PAD < s copy straight
            int lo = Math.max(0, LogMel.PAD - p0);
            int hi = Math.min(len, s + LogMel.PAD - p0);
            for (int j = 0; j < lo; j++) {
                seg[base + j] = x[Framing.reflect(p0 + j, s)];
            }
            if (hi > lo) {
                System.arraycopy(x, p0 + lo - LogMel.PAD, seg, base + lo, hi - lo);
            }
            for (int j = Math.max(lo, hi); j < len; j++) {
                seg[base + j] = x[Framing.reflect(p0 + j, s)];
            }
        }
    }
}
