package dev.ssam.ops.audio;

/**
 * Decoded audio, mixed down to mono: sample {@code i} is the mean over channels of frame {@code i},
 * scaled to [-1, 1] as {@link WavEncoding} describes.
 *
 * <pre>{@code
 * AudioClip clip = WavReader.read(Path.of("dog.wav"));     // e.g. 44.1 kHz stereo, 16-bit
 * AudioClip at16k = Resampler.toRate(backend, clip, 16_000);
 * }</pre>
 *
 * @param samples    (S) mono samples; shared, not copied
 * @param sampleRate samples per second
 * @param channels   channels of the source before the mix-down
 * @param encoding   the source's sample encoding
 * @param source     the file or stream name, for messages
 */
public record AudioClip(float[] samples, int sampleRate, int channels, WavEncoding encoding, String source) {
    public AudioClip {
        if (samples == null) {
            throw new IllegalArgumentException("AudioClip: samples are missing (null) for " + source);
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("AudioClip: sample rate is " + sampleRate + " for " + source
                    + ", expected a positive rate");
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("AudioClip: channel count is " + channels + " for " + source
                    + ", expected at least 1");
        }
    }

    /** Number of (mono) samples S. */
    public int length() {
        return samples.length;
    }

    /** Duration in seconds. */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    /** The same clip with other samples at another rate (after resampling). */
    public AudioClip withSamples(float[] newSamples, int newRate) {
        return new AudioClip(newSamples, newRate, channels, encoding, source);
    }
}
