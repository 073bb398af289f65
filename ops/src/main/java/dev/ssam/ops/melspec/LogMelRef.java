package dev.ssam.ops.melspec;

import org.jtransforms.fft.FloatFFT_1D;

import java.util.List;

/**
 * Scalar reference of {@link LogMel}: per frame, window, float32 real FFT (JTransforms), power in
 * double, dense mel matrix product in double, natural log of (mel + 2^-23).
 */
final class LogMelRef {
    private LogMelRef() {
    }

    static void compute(List<LogMel.Clip> clips) {
        MelFilterbank fb = MelFilterbank.ssamBank();
        FloatFFT_1D fft = new FloatFFT_1D(LogMel.N_FFT);
        float[] frame = new float[LogMel.N_FFT]; // (400)
        double[] power = new double[LogMel.N_FREQS]; // (201)
        for (LogMel.Clip c : clips) {
            for (int t = 0; t < c.frames(); t++) {
                // Centred frame t: padded samples [t hop, t hop + n_fft), Hann-windowed.
                Framing.frame(c.data(), c.offset(), c.samples(), t, frame);
                // In-place real FFT; JTransforms packs a[0] = Re X0, a[1] = Re X200, a[2k], a[2k+1] = Re, Im Xk.
                fft.realForward(frame);
                // One-sided power spectrum |X_k|^2, k = 0 .. 200.
                power[0] = (double) frame[0] * frame[0];
                power[LogMel.N_FFT / 2] = (double) frame[1] * frame[1];
                for (int k = 1; k < LogMel.N_FFT / 2; k++) {
                    double re = frame[2 * k];
                    double im = frame[2 * k + 1];
                    power[k] = re * re + im * im;
                }
                int o = c.outOffset() + t * LogMel.N_MELS;
                for (int m = 0; m < LogMel.N_MELS; m++) {
                    // mel_m = sum_k power_k fb[k][m]
                    double mel = 0;
                    for (int k = 0; k < LogMel.N_FREQS; k++) {
                        mel += power[k] * fb.weight(k, m);
                    }
                    // log(mel + eps), eps = float32 machine epsilon
                    c.out()[o + m] = (float) Math.log(mel + LogMel.LOG_OFFSET);
                }
            }
        }
    }
}
