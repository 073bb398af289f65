package dev.ssam.ops.melspec;

/**
 * The STFT framing both backends share: torch's periodic Hann window and the centred,
 * reflect-padded frame t of a clip.
 */
final class Framing {
    /** (N_FFT) {@code torch.hann_window(400)} (periodic), in torch's float32 steps. */
    static final float[] WINDOW = hann(LogMel.N_FFT);

    private Framing() {
    }

    /**
     * torch's {@code hann_window(n, periodic=True)}: {@code arange(n) * (2 pi / n)} (the factor a
     * double rounded to float), cos, times -0.5, plus 0.5, each step in float32.
     */
    static float[] hann(int n) {
        float[] w = new float[n];
        float factor = (float) (2.0 * Math.PI / n);
        for (int i = 0; i < n; i++) {
            float c = (float) Math.cos(i * factor);
            w[i] = c * -0.5f + 0.5f;
        }
        return w;
    }

    /**
     * Sample index for padded position {@code p} (0 .. S + 2 PAD - 1) of a clip of {@code s} samples
     * with reflect padding ({@code torch.nn.functional.pad(mode="reflect")}: the edge sample is not
     * repeated). Needs {@code s > PAD}.
     */
    static int reflect(int p, int s) {
        int i = p - LogMel.PAD;
        if (i < 0) {
            return -i;
        }
        return i < s ? i : 2 * (s - 1) - i;
    }

    /** Writes windowed frame t of {@code x[off .. off + s)} into {@code dst[0 .. N_FFT)}, reflecting at the edges. */
    static void frame(float[] x, int off, int s, int t, float[] dst) {
        int p0 = t * LogMel.HOP;
        for (int i = 0; i < LogMel.N_FFT; i++) {
            dst[i] = x[off + reflect(p0 + i, s)] * WINDOW[i];
        }
    }

    /** Whether frame t lies wholly inside the clip (no reflected samples). */
    static boolean interior(int t, int s) {
        int first = t * LogMel.HOP - LogMel.PAD;
        return first >= 0 && first + LogMel.N_FFT <= s;
    }
}
