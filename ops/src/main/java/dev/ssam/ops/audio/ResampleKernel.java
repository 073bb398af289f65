package dev.ssam.ops.audio;

import dev.ssam.runtime.Simd;

/**
 * The polyphase windowed-sinc kernel of torchaudio's {@code _get_sinc_resample_kernel}
 * (sinc_interp_hann), built once per rate pair and immutable afterwards.
 *
 * <p>torchaudio builds a dense (new, 1, 2 width + orig) kernel (rates reduced by their gcd), with
 * the tap positions clamped to |t| <= lowpass_filter_width. Taps at clamped positions are
 * sin(6 pi) / (6 pi) x cos(pi / 2)^2 x scale evaluated in float32, which is not quite zero but below
 * 1e-23 (measured: at most 4.8e-24 for 8 kHz to 16 kHz, against a largest tap of 0.99). We keep,
 * per phase j, only the contiguous run of taps
 * whose unclamped |t| is below the width (about 2 x 6 x orig / base of them, 12 to 40 for common
 * rates, against 2 width + orig in torchaudio, e.g. 459 for 22050 to 16000); every kept tap has
 * torchaudio's float32 value, computed with its float32 operation order. This also keeps coprime
 * pairs (44099 to 16000: 16000 phases) small where torchaudio's dense kernel would need gigabytes.
 */
final class ResampleKernel {
    /** Original rate divided by gcd. */
    final int orig;
    /** New rate divided by gcd: the number of phases. */
    final int next;
    /** torchaudio's {@code width}: zero padding before the signal, in input samples. */
    final int width;
    /** (next) index k, in torchaudio's tap numbering 0 .. 2 width + orig - 1, of each phase's first kept tap. */
    final int[] start;
    /** (next)(taps of phase j) kept taps, in order. */
    final float[][] taps;
    /** Phase j's taps zero-padded to a multiple of the lane count, at {@code packedOffset[j]}. */
    final float[] packed;
    /** (next) offset of phase j's padded taps in {@link #packed}. */
    final int[] packedOffset;
    /** (next) padded tap count of phase j (a multiple of {@link Simd#LANES}). */
    final int[] packedLength;
    /** max over phases of start + packedLength: the reach of one block into the padded input. */
    final int reach;

    private ResampleKernel(int orig, int next, int width, int[] start, float[][] taps) {
        this.orig = orig;
        this.next = next;
        this.width = width;
        this.start = start;
        this.taps = taps;
        this.packedOffset = new int[next];
        this.packedLength = new int[next];
        int total = 0;
        int r = 0;
        for (int j = 0; j < next; j++) {
            packedOffset[j] = total;
            packedLength[j] = (taps[j].length + Simd.LANES - 1) / Simd.LANES * Simd.LANES;
            total += packedLength[j];
            r = Math.max(r, start[j] + packedLength[j]);
        }
        this.reach = r;
        this.packed = new float[total];
        for (int j = 0; j < next; j++) {
            System.arraycopy(taps[j], 0, packed, packedOffset[j], taps[j].length);
        }
    }

    /** The kernel for {@code origRate -> newRate} (both positive, already validated). */
    static ResampleKernel build(int origRate, int newRate, int lowpassWidth, double rolloff) {
        int g = gcd(origRate, newRate);
        int o = origRate / g;
        int n = newRate / g;
        // base_freq = min(orig, new) * rolloff stays a Python float (double); width uses it in double.
        double base = Math.min(o, n) * rolloff;
        int width = (int) Math.ceil((double) lowpassWidth * o / base);
        // With a float32 waveform torchaudio passes dtype=float32, so every tensor step below runs in
        // float32 and the Python scalars (base, pi, scale) are rounded to float first.
        float baseF = (float) base;
        float scaleF = (float) (base / o);
        int taps = 2 * width + o;
        int[] start = new int[n];
        float[][] kernel = new float[n][];
        double half = lowpassWidth * o / base;
        for (int j = 0; j < n; j++) {
            // t = 0 at k = width + j o / n; |t| < lowpassWidth within +-half of it (2 taps of margin
            // for the float rounding, then the float test below decides).
            double centre = width + (double) j * o / n;
            int lo = Math.max(0, (int) Math.floor(centre - half) - 2);
            int hi = Math.min(taps - 1, (int) Math.ceil(centre + half) + 2);
            int first = -1;
            int last = -1;
            for (int k = lo; k <= hi; k++) {
                if (Math.abs(position(j, k, o, n, width, baseF)) < lowpassWidth) {
                    first = first < 0 ? k : first;
                    last = k;
                }
            }
            start[j] = first;
            kernel[j] = new float[last - first + 1];
            for (int k = first; k <= last; k++) {
                kernel[j][k - first] = tap(position(j, k, o, n, width, baseF), lowpassWidth, scaleF);
            }
        }
        return new ResampleKernel(o, n, width, start, kernel);
    }

    /**
     * torchaudio's unclamped {@code t} of phase j, tap k:
     * {@code (arange(0, -new, -1) / new + arange(-width, width + orig) / orig) * base_freq}.
     */
    static float position(int j, int k, int o, int n, int width, float baseF) {
        float idx = (float) (k - width) / (float) o;
        float t = (float) -j / (float) n + idx;
        return t * baseF;
    }

    /** One tap from its (unclamped) position: Hann-windowed sinc, scaled, as torchaudio orders the float ops. */
    static float tap(float position, int lowpassWidth, float scaleF) {
        float t = Math.max(-lowpassWidth, Math.min(lowpassWidth, position));
        float w = (float) Math.cos(t * (float) Math.PI / lowpassWidth / 2f);
        w = w * w;
        t = t * (float) Math.PI;
        float sinc = t == 0f ? 1f : (float) Math.sin(t) / t;
        return sinc * (w * scaleF);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int r = a % b;
            a = b;
            b = r;
        }
        return a;
    }
}
