package dev.ssam.ops.audio;

/**
 * Scalar reference of {@link Resampler}: torchaudio's {@code _apply_sinc_resample_kernel}, i.e.
 * conv1d of the zero-padded input (width left, width + orig right) with stride orig, one output
 * per phase per stride, followed by the cut to the target length.
 */
final class ResampleRef {
    private ResampleRef() {
    }

    /**
     * @param x (L) input at {@code x[xOff ..]}
     * @param y (outLen) output at {@code y[yOff ..]}, overwritten
     */
    static void apply(ResampleKernel k, float[] x, int xOff, int len, float[] y, int yOff, int outLen) {
        for (int m = 0; m < outLen; m++) {
            // Output m = q * next + j is phase j of stride q: it reads padded input from q * orig.
            int q = m / k.next;
            int j = m % k.next;
            float[] taps = k.taps[j];
            // Padded position q * orig + start + i is input sample q * orig + start + i - width.
            int p0 = q * k.orig + k.start[j] - k.width;
            double acc = 0;
            for (int i = 0; i < taps.length; i++) {
                int p = p0 + i;
                // Zero padding outside the signal.
                if (p >= 0 && p < len) {
                    acc += (double) taps[i] * x[xOff + p];
                }
            }
            y[yOff + m] = (float) acc;
        }
    }
}
