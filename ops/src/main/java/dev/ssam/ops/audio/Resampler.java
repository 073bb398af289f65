package dev.ssam.ops.audio;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

/**
 * Band-limited resampling from one sample rate to another, exactly as
 * {@code torchaudio.functional.resample(waveform, orig, new)} with its defaults: method
 * sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99.
 *
 * <p>Formula (rates reduced by their gcd to {@code o -> n}, base = min(o, n) x 0.99,
 * width = ceil(6 o / base)): output {@code m = q n + j} is
 * <pre>
 *   y[m] = sum_k K[j, k] x[q o + k - width]      (x is zero outside [0, L))
 *   K[j, k] = sinc(pi t) cos^2(pi t / 12) base / o,  t = clamp(((k - width) / o - j / n) base, -6, 6)
 * </pre>
 * for k in [0, 2 width + o), and the output has {@code ceil(n L / o)} samples, the quotient rounded
 * to float32 before the ceiling as torchaudio does ({@code torch.as_tensor} of a Python float), so
 * for clips above about a minute the length can be one below the exact ceiling, as in torchaudio.
 * Equal rates copy the input (torchaudio returns it unchanged).
 *
 * <p>Deviations: the kernel is built in float32 with torchaudio's operation order (torchaudio
 * passes the waveform's dtype, float32, to {@code _get_sinc_resample_kernel}; it is not built in
 * float64), but only its taps inside the window are kept: the clamped taps torchaudio also
 * multiplies are below 1e-23 (see {@link ResampleKernel}). Ref accumulates in double, Cpu in
 * float. Non-finite inputs give non-finite outputs nearby (how far differs between backends).
 *
 * <p>Shapes: {@code in: (L)}, {@code out: (outputLength(L))}.
 *
 * <pre>{@code
 * Resampler r = Resampler.of(44_100, Resampler.TARGET_RATE);   // build once per rate pair
 * float[] at16k = r.apply(backend, samples);                    // 441 samples -> 160
 * }</pre>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Resampler {
    /** The model's sample rate. */
    public static final int TARGET_RATE = 16_000;
    /** torchaudio's default {@code lowpass_filter_width}: zero crossings on each side. */
    public static final int LOWPASS_FILTER_WIDTH = 6;
    /** torchaudio's default {@code rolloff}: cut-off as a fraction of the lower Nyquist rate. */
    public static final double ROLLOFF = 0.99;

    private final int origRate;
    private final int newRate;
    /** null when the rates are equal. */
    private final ResampleKernel kernel;

    /**
     * Checked sizes of one call.
     *
     * @param inLength  input samples L
     * @param outLength output samples, {@link #outputLength(int)} of L
     */
    public record Dims(int inLength, int outLength) {
    }

    private Resampler(int origRate, int newRate) {
        this.origRate = origRate;
        this.newRate = newRate;
        this.kernel = origRate == newRate ? null
                : ResampleKernel.build(origRate, newRate, LOWPASS_FILTER_WIDTH, ROLLOFF);
    }

    /**
     * A resampler from {@code origRate} to {@code newRate} Hz; builds the kernel (cost about
     * phases x 40 sin/cos evaluations).
     *
     * @throws IllegalArgumentException when a rate is not positive
     */
    public static Resampler of(int origRate, int newRate) {
        if (origRate <= 0 || newRate <= 0) {
            throw new IllegalArgumentException("resample: sample rates must be positive, got orig " + origRate
                    + " Hz -> new " + newRate + " Hz");
        }
        return new Resampler(origRate, newRate);
    }

    /** Resamples {@code x} (one-off: builds the kernel each call; keep a {@link Resampler} for many clips). */
    public static float[] resample(Backend backend, float[] x, int origRate, int newRate) {
        return of(origRate, newRate).apply(backend, x);
    }

    /** {@code clip} at {@code newRate} (the same clip when its rate already is {@code newRate}). */
    public static AudioClip toRate(Backend backend, AudioClip clip, int newRate) {
        if (clip.sampleRate() == newRate) {
            return clip;
        }
        return of(clip.sampleRate(), newRate).apply(backend, clip);
    }

    public int origRate() {
        return origRate;
    }

    public int newRate() {
        return newRate;
    }

    /** Output length for an input of {@code inLength} samples: torchaudio's {@code ceil(n L / o)} (see class doc). */
    public int outputLength(int inLength) {
        if (inLength < 0) {
            throw new IllegalArgumentException("resample: input length is " + inLength + ", expected >= 0");
        }
        if (kernel == null) {
            return inLength;
        }
        double q = (double) ((long) kernel.next * inLength) / kernel.orig;
        return (int) Math.ceil((float) q);
    }

    /** Validates {@code in: (L)} and {@code out: (outputLength(L))}. */
    public Dims check(Tensor in, Tensor out) {
        if (in == null || in.rank() != 1) {
            throw new IllegalArgumentException("resample: in is " + (in == null ? "missing (null)" : in.shapeString())
                    + ", expected rank 1 (len=L)");
        }
        int outLen = outputLength(in.dim(0));
        if (out == null || !out.hasShape(outLen)) {
            throw new IllegalArgumentException("resample: out is " + (out == null ? "missing (null)" : out.shapeString())
                    + ", expected [len=" + outLen + "] for " + in.dim(0) + " samples at " + origRate + " -> "
                    + newRate + " Hz");
        }
        if (in.data() == out.data() && in.offset() < out.offset() + out.size() && out.offset() < in.offset() + in.size()) {
            throw new IllegalArgumentException("resample: out overlaps in; in-place use is not supported");
        }
        return new Dims(in.dim(0), outLen);
    }

    /** Resamples {@code in: (L)} into {@code out: (outputLength(L))}, overwriting it. */
    public void apply(Backend backend, Tensor in, Tensor out) {
        Dims d = check(in, out);
        if (kernel == null) {
            System.arraycopy(in.data(), in.offset(), out.data(), out.offset(), d.inLength());
            return;
        }
        if (d.outLength() == 0) {
            return;
        }
        switch (backend) {
            case Backend.Ref r -> ResampleRef.apply(kernel, in.data(), in.offset(), d.inLength(), out.data(),
                    out.offset(), d.outLength());
            case Backend.Cpu c -> ResampleCpu.apply(c, kernel, in.data(), in.offset(), d.inLength(), out.data(),
                    out.offset(), d.outLength());
            case Backend.Gpu g -> throw new IllegalArgumentException("resample: the " + g.name() + " device does not run the "
                    + "resampler; resample on the ref or cpu device");
        }
    }

    /** {@code x} resampled, in a new array. */
    public float[] apply(Backend backend, float[] x) {
        float[] y = new float[outputLength(x.length)];
        if (x.length > 0) {
            apply(backend, Tensor.of(x, x.length), Tensor.of(y, y.length));
        }
        return y;
    }

    /**
     * {@code clip} resampled to this resampler's new rate.
     *
     * @throws IllegalArgumentException when the clip's rate is not this resampler's original rate
     */
    public AudioClip apply(Backend backend, AudioClip clip) {
        if (clip.sampleRate() != origRate) {
            throw new IllegalArgumentException("resample: " + clip.source() + " is at " + clip.sampleRate()
                    + " Hz, this resampler expects " + origRate + " Hz");
        }
        return clip.withSamples(apply(backend, clip.samples()), newRate);
    }

    @Override
    public String toString() {
        return "Resampler(" + origRate + " -> " + newRate + " Hz)";
    }
}
