package dev.ssam.ops.melspec;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jtransforms.fft.FloatFFT_1D;

import java.util.List;

/**
 * Vector API {@link LogMel}. The FFT dominates (about 4 us a frame), so the rest is kept far below
 * it: the mel step uses each filter's nonzero run of bins (about 400 multiply-adds a frame instead
 * of 16080 for the dense product) and the log runs on whole vectors. Frames of all clips are one
 * flat index space split across the pool; every worker has its own FFT object and scratch
 * (JTransforms plans are not documented as safe for concurrent use).
 */
final class LogMelCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;

    private LogMelCpu() {
    }

    static void compute(Backend.Cpu cpu, List<LogMel.Clip> clips) {
        int[] firstFrame = new int[clips.size() + 1]; // (clips + 1) global index of each clip's frame 0
        for (int i = 0; i < clips.size(); i++) {
            firstFrame[i + 1] = firstFrame[i] + clips.get(i).frames();
        }
        cpu.parallel().forRange(firstFrame[clips.size()], (from, to, worker) -> range(clips, firstFrame, from, to));
    }

    private static void range(List<LogMel.Clip> clips, int[] firstFrame, int from, int to) {
        MelFilterbank fb = MelFilterbank.ssamBank();
        FloatFFT_1D fft = new FloatFFT_1D(LogMel.N_FFT);
        float[] frame = new float[LogMel.N_FFT]; // (400) windowed frame, then its packed spectrum
        float[] power = new float[LogMel.N_FREQS]; // (201)
        float[] mel = new float[LogMel.N_MELS]; // (80)
        int ci = clipOf(firstFrame, from);
        for (int g = from; g < to; g++) {
            while (g >= firstFrame[ci + 1]) {
                ci++;
            }
            LogMel.Clip c = clips.get(ci);
            int t = g - firstFrame[ci];
            if (Framing.interior(t, c.samples())) {
                window(c.data(), c.offset() + t * LogMel.HOP - LogMel.PAD, frame);
            } else {
                Framing.frame(c.data(), c.offset(), c.samples(), t, frame);
            }
            fft.realForward(frame);
            power(frame, power);
            melBands(fb, power, mel);
            log(mel, c.out(), c.outOffset() + t * LogMel.N_MELS);
        }
    }

    /** The clip holding global frame g (the last i with firstFrame[i] <= g). */
    private static int clipOf(int[] firstFrame, int g) {
        int lo = 0;
        int hi = firstFrame.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstFrame[mid] <= g) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static void window(float[] x, int start, float[] frame) {
        float[] w = Framing.WINDOW;
        int n = LogMel.N_FFT;
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, start + i).mul(FloatVector.fromArray(S, w, i)).intoArray(frame, i);
        }
        for (; i < n; i++) {
            frame[i] = x[start + i] * w[i];
        }
    }

    /** |X_k|^2 from JTransforms' packed layout (Re X0, Re X200, then Re, Im pairs); stride 2, so scalar. */
    private static void power(float[] a, float[] power) {
        int half = LogMel.N_FFT / 2;
        power[0] = a[0] * a[0];
        power[half] = a[1] * a[1];
        for (int k = 1; k < half; k++) {
            float re = a[2 * k];
            float im = a[2 * k + 1];
            power[k] = re * re + im * im;
        }
    }

    private static void melBands(MelFilterbank fb, float[] power, float[] mel) {
        float[] w = fb.weights();
        for (int m = 0; m < LogMel.N_MELS; m++) {
            int k0 = fb.first(m);
            int off = fb.offset(m);
            float acc = 0f;
            for (int i = 0, n = fb.count(m); i < n; i++) {
                acc += w[off + i] * power[k0 + i];
            }
            mel[m] = acc;
        }
    }

    private static void log(float[] mel, float[] out, int o) {
        int n = LogMel.N_MELS;
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            // VectorMath.log is built from exact operations: lanewise(LOG) rounds differently once C2 compiles it.
            VectorMath.log(FloatVector.fromArray(S, mel, i).add(LogMel.LOG_OFFSET)).intoArray(out, o + i);
        }
        for (; i < n; i++) {
            out[o + i] = (float) Math.log(mel[i] + LogMel.LOG_OFFSET);
        }
    }
}
