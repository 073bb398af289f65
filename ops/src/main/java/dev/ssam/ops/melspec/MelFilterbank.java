package dev.ssam.ops.melspec;

import dev.ssam.runtime.Tensor;

/**
 * The triangular HTK mel filterbank of {@code torchaudio.functional.melscale_fbanks(n_freqs,
 * f_min, f_max, n_mels, sample_rate, norm=None, mel_scale="htk")}, built with torchaudio's
 * float32 steps, and its sparse form (each filter's nonzero run of bins).
 *
 * <p>Construction (float32 unless noted): {@code all_freqs = linspace(0, sr // 2, n_freqs)};
 * {@code m = linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2)} with
 * {@code hz_to_mel(f) = 2595 log10(1 + f / 700)} in double; {@code f_pts = 700 (10^(m / 2595) - 1)};
 * filter i at bin frequency f is {@code max(0, min(down, up))} with
 * {@code down = -(f_pts[i] - f) / (f_pts[i+1] - f_pts[i])} and
 * {@code up = (f_pts[i+2] - f) / (f_pts[i+2] - f_pts[i+1])}. {@code linspace} follows
 * torch's scalar formula (start + i step for the first half, end - (steps - 1 - i) step after).
 *
 * <p>Deviation: torch evaluates {@code 10^x} with its vectorised float32 pow; we round the
 * double-precision power to float. The two differ by an ulp or two at some points, which moves 70
 * of the 16080 SSAM weights by at most 5.6e-6 (measured against golden {@code mel_fbanks}).
 *
 * <pre>{@code
 * Tensor fb = MelFilterbank.ssam();   // (201, 80): fb[k][m], m fastest
 * }</pre>
 */
public final class MelFilterbank {
    private static final MelFilterbank SSAM = new MelFilterbank(LogMel.N_FREQS, LogMel.F_MIN, LogMel.F_MAX,
            LogMel.N_MELS, LogMel.SAMPLE_RATE);

    private final int nFreqs;
    private final int nMels;
    /** (nFreqs, nMels) dense weights, mel fastest. */
    private final float[] dense;
    /** (nMels) first bin with a nonzero weight. */
    private final int[] first;
    /** (nMels) number of bins from {@link #first} to the last nonzero weight. */
    private final int[] count;
    /** Each filter's weights over its run, filters one after another, at {@link #offset}. */
    private final float[] weights;
    /** (nMels) offset of each filter's run in {@link #weights}. */
    private final int[] offset;

    private MelFilterbank(int nFreqs, float fMin, float fMax, int nMels, int sampleRate) {
        this.nFreqs = nFreqs;
        this.nMels = nMels;
        this.dense = build(nFreqs, fMin, fMax, nMels, sampleRate);
        this.first = new int[nMels];
        this.count = new int[nMels];
        this.offset = new int[nMels];
        int total = 0;
        for (int m = 0; m < nMels; m++) {
            int lo = -1;
            int hi = -1;
            for (int k = 0; k < nFreqs; k++) {
                if (dense[k * nMels + m] != 0f) {
                    lo = lo < 0 ? k : lo;
                    hi = k;
                }
            }
            first[m] = Math.max(lo, 0);
            count[m] = lo < 0 ? 0 : hi - lo + 1;
            offset[m] = total;
            total += count[m];
        }
        this.weights = new float[total];
        for (int m = 0; m < nMels; m++) {
            for (int i = 0; i < count[m]; i++) {
                weights[offset[m] + i] = dense[(first[m] + i) * nMels + m];
            }
        }
    }

    /** The SSAM front end's (201, 80) filterbank: 201 STFT bins at 16 kHz, 80 mels, 50 to 8000 Hz. */
    public static Tensor ssam() {
        return SSAM.matrix();
    }

    /** A copy of the dense matrix, shape (nFreqs, nMels). */
    public Tensor matrix() {
        return Tensor.of(dense.clone(), nFreqs, nMels);
    }

    static MelFilterbank ssamBank() {
        return SSAM;
    }

    int nFreqs() {
        return nFreqs;
    }

    int nMels() {
        return nMels;
    }

    /** Dense weight of bin k for filter m. */
    float weight(int k, int m) {
        return dense[k * nMels + m];
    }

    int first(int m) {
        return first[m];
    }

    int count(int m) {
        return count[m];
    }

    int offset(int m) {
        return offset[m];
    }

    float[] weights() {
        return weights;
    }

    /** torchaudio's {@code melscale_fbanks}, float32 steps, as a row-major (nFreqs, nMels) array. */
    static float[] build(int nFreqs, float fMin, float fMax, int nMels, int sampleRate) {
        float[] allFreqs = linspace(0f, sampleRate / 2, nFreqs);
        float[] mels = linspace((float) hzToMel(fMin), (float) hzToMel(fMax), nMels + 2);
        float[] fPts = new float[nMels + 2];
        for (int i = 0; i < fPts.length; i++) {
            float e = mels[i] / 2595f;
            fPts[i] = 700f * ((float) Math.pow(10.0, e) - 1f);
        }
        float[] fDiff = new float[nMels + 1];
        for (int i = 0; i < fDiff.length; i++) {
            fDiff[i] = fPts[i + 1] - fPts[i];
        }
        float[] fb = new float[nFreqs * nMels];
        for (int k = 0; k < nFreqs; k++) {
            for (int m = 0; m < nMels; m++) {
                float down = (-1f * (fPts[m] - allFreqs[k])) / fDiff[m];
                float up = (fPts[m + 2] - allFreqs[k]) / fDiff[m + 1];
                fb[k * nMels + m] = Math.max(0f, Math.min(down, up));
            }
        }
        return fb;
    }

    /** HTK mel of a frequency in Hz, in double (a Python float in torchaudio). */
    static double hzToMel(double hz) {
        return 2595.0 * Math.log10(1.0 + hz / 700.0);
    }

    /** torch.linspace in float32, scalar kernel: start + i step below the halfway index, end - (steps - 1 - i) step from it. */
    static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        }
        return out;
    }
}
