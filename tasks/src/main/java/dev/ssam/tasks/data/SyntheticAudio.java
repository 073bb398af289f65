package dev.ssam.tasks.data;

import java.util.SplittableRandom;

/**
 * A deterministic generator of procedural 16 kHz audio in labelled classes: the built-in data
 * source that lets the trainer, the evaluator and the demo run with no downloads.
 *
 * <p>Each class is a family of sounds with random parameters (pitch, rate, timbre, onset,
 * loudness, background noise), so telling classes apart needs pitch, spectral shape and
 * temporal structure, the cues real audio tasks need. The same {@code (sound, seed, samples)}
 * always gives bitwise the same clip.
 *
 * <pre>{@code
 * float[] clip = SyntheticAudio.clip(SyntheticAudio.Sound.CHIRP_UP, 42L, 32000);  // 2 s
 * }</pre>
 */
public final class SyntheticAudio {
    /** Sample rate of every generated clip. */
    public static final int SAMPLE_RATE = 16_000;

    /** The sound classes. */
    public enum Sound {
        /** A harmonic tone (3-6 partials) at a random pitch between 110 and 880 Hz. */
        HARMONIC_TONE,
        /** A pure sine rising exponentially over the clip. */
        CHIRP_UP,
        /** A pure sine falling exponentially over the clip. */
        CHIRP_DOWN,
        /** Repeated clicks at 2-12 per second. */
        CLICK_TRAIN,
        /** Band-pass noise bursts with sharp onsets. */
        NOISE_BURSTS,
        /** A kick-drum-like decaying low sine sweep, repeated. */
        KICK,
        /** A tone whose loudness is modulated at 3-15 Hz (tremolo). */
        TREMOLO,
        /** A tone with vibrato (frequency modulation at 4-8 Hz). */
        VIBRATO,
        /** Vowel-like sound: a pulse train through two formant resonators. */
        VOWEL,
        /** Steady coloured noise (low-pass filtered white noise). */
        RUMBLE
    }

    private SyntheticAudio() {
    }

    /** Number of classes. */
    public static int classes() {
        return Sound.values().length;
    }

    /**
     * One clip of {@code samples} samples of class {@code sound} drawn with {@code seed}, peak
     * amplitude at most 0.9.
     */
    public static float[] clip(Sound sound, long seed, int samples) {
        if (samples <= 0) {
            throw new IllegalArgumentException("SyntheticAudio: samples is " + samples + ", expected > 0");
        }
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + sound.ordinal());
        double[] x = new double[samples];
        switch (sound) {
            case HARMONIC_TONE -> harmonic(x, r);
            case CHIRP_UP -> chirp(x, r, true);
            case CHIRP_DOWN -> chirp(x, r, false);
            case CLICK_TRAIN -> clicks(x, r);
            case NOISE_BURSTS -> bursts(x, r);
            case KICK -> kicks(x, r);
            case TREMOLO -> tremolo(x, r);
            case VIBRATO -> vibrato(x, r);
            case VOWEL -> vowel(x, r);
            case RUMBLE -> rumble(x, r);
        }
        double noise = Math.pow(10, r.nextDouble(-50, -25) / 20);
        for (int i = 0; i < samples; i++) {
            x[i] += noise * r.nextGaussian();
        }
        return normalise(x, Math.pow(10, r.nextDouble(-12, -1) / 20));
    }

    private static void harmonic(double[] x, SplittableRandom r) {
        double f0 = 110 * Math.pow(2, r.nextDouble(0, 3));
        int partials = r.nextInt(3, 7);
        for (int k = 1; k <= partials; k++) {
            double amp = Math.pow(k, -r.nextDouble(0.5, 2));
            double ph = r.nextDouble(2 * Math.PI);
            for (int i = 0; i < x.length; i++) {
                x[i] += amp * Math.sin(2 * Math.PI * f0 * k * i / SAMPLE_RATE + ph);
            }
        }
        envelope(x, r);
    }

    private static void chirp(double[] x, SplittableRandom r, boolean up) {
        double lo = r.nextDouble(150, 600);
        double hi = lo * Math.pow(2, r.nextDouble(1.5, 3.5));
        double f0 = up ? lo : hi;
        double ratio = up ? hi / lo : lo / hi;
        double dur = (double) x.length / SAMPLE_RATE;
        double k = Math.log(ratio) / dur;
        for (int i = 0; i < x.length; i++) {
            double t = (double) i / SAMPLE_RATE;
            x[i] = Math.sin(2 * Math.PI * f0 * (Math.exp(k * t) - 1) / k);
        }
    }

    private static void clicks(double[] x, SplittableRandom r) {
        double rate = r.nextDouble(2, 12);
        int period = (int) (SAMPLE_RATE / rate);
        for (int start = r.nextInt(period); start < x.length; start += period) {
            for (int j = 0; j < 80 && start + j < x.length; j++) {
                x[start + j] += Math.exp(-j / 8.0) * (r.nextBoolean() ? 1 : -1);
            }
        }
    }

    private static void bursts(double[] x, SplittableRandom r) {
        double centre = r.nextDouble(500, 5000);
        double[] noise = bandNoise(x.length, r, centre, centre * 0.3);
        int pos = r.nextInt(SAMPLE_RATE / 4);
        while (pos < x.length) {
            int len = r.nextInt(SAMPLE_RATE / 20, SAMPLE_RATE / 4);
            for (int j = 0; j < len && pos + j < x.length; j++) {
                x[pos + j] = noise[pos + j] * Math.exp(-3.0 * j / len);
            }
            pos += len + r.nextInt(SAMPLE_RATE / 10, SAMPLE_RATE / 2);
        }
    }

    private static void kicks(double[] x, SplittableRandom r) {
        double period = SAMPLE_RATE * r.nextDouble(0.25, 0.7);
        double fStart = r.nextDouble(120, 200);
        double fEnd = r.nextDouble(40, 60);
        for (double start = r.nextDouble(period); start < x.length; start += period) {
            double phase = 0;
            for (int j = 0; j < SAMPLE_RATE / 3 && (int) start + j < x.length; j++) {
                double f = fEnd + (fStart - fEnd) * Math.exp(-j / 400.0);
                phase += 2 * Math.PI * f / SAMPLE_RATE;
                x[(int) start + j] += Math.sin(phase) * Math.exp(-j / 1600.0);
            }
        }
    }

    private static void tremolo(double[] x, SplittableRandom r) {
        double f = 220 * Math.pow(2, r.nextDouble(0, 2));
        double rate = r.nextDouble(3, 15);
        for (int i = 0; i < x.length; i++) {
            double t = (double) i / SAMPLE_RATE;
            x[i] = (0.55 + 0.45 * Math.sin(2 * Math.PI * rate * t)) * Math.sin(2 * Math.PI * f * t);
        }
    }

    private static void vibrato(double[] x, SplittableRandom r) {
        double f = 220 * Math.pow(2, r.nextDouble(0, 2));
        double rate = r.nextDouble(4, 8);
        double depth = f * r.nextDouble(0.03, 0.08);
        double phase = 0;
        for (int i = 0; i < x.length; i++) {
            double t = (double) i / SAMPLE_RATE;
            phase += 2 * Math.PI * (f + depth * Math.sin(2 * Math.PI * rate * t)) / SAMPLE_RATE;
            x[i] = Math.sin(phase) + 0.3 * Math.sin(2 * phase);
        }
    }

    private static void vowel(double[] x, SplittableRandom r) {
        double f0 = r.nextDouble(90, 250);
        double[] pulses = new double[x.length];
        double phase = 0;
        for (int i = 0; i < x.length; i++) {
            phase += f0 / SAMPLE_RATE;
            if (phase >= 1) {
                phase -= 1;
                pulses[i] = 1;
            }
        }
        double f1 = r.nextDouble(300, 900);
        double f2 = r.nextDouble(900, 2500);
        double[] a = resonate(pulses, f1, 80);
        double[] b = resonate(pulses, f2, 120);
        for (int i = 0; i < x.length; i++) {
            x[i] = a[i] + 0.5 * b[i];
        }
        envelope(x, r);
    }

    private static void rumble(double[] x, SplittableRandom r) {
        double cutoff = r.nextDouble(100, 800);
        double alpha = 1 - Math.exp(-2 * Math.PI * cutoff / SAMPLE_RATE);
        double y = 0;
        for (int i = 0; i < x.length; i++) {
            y += alpha * (r.nextGaussian() - y);
            x[i] = y;
        }
    }

    /** A two-pole resonator at {@code f} Hz with bandwidth {@code bw} Hz. */
    private static double[] resonate(double[] in, double f, double bw) {
        double rr = Math.exp(-Math.PI * bw / SAMPLE_RATE);
        double c1 = 2 * rr * Math.cos(2 * Math.PI * f / SAMPLE_RATE);
        double c2 = -rr * rr;
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] + c1 * (i > 0 ? out[i - 1] : 0) + c2 * (i > 1 ? out[i - 2] : 0);
        }
        return out;
    }

    private static double[] bandNoise(int n, SplittableRandom r, double f, double bw) {
        double[] white = new double[n];
        for (int i = 0; i < n; i++) {
            white[i] = r.nextGaussian();
        }
        return resonate(white, f, bw);
    }

    /** Attack-sustain-release envelope with a random onset. */
    private static void envelope(double[] x, SplittableRandom r) {
        int n = x.length;
        int onset = r.nextInt(Math.max(1, n / 4));
        int attack = Math.max(1, (int) (SAMPLE_RATE * r.nextDouble(0.005, 0.1)));
        double decay = r.nextDouble(0.3, 3) * SAMPLE_RATE;
        for (int i = 0; i < n; i++) {
            double e = i < onset ? 0 : Math.min(1, (double) (i - onset) / attack) * Math.exp(-(i - onset) / decay);
            x[i] *= e;
        }
    }

    private static float[] normalise(double[] x, double peak) {
        double max = 0;
        for (double v : x) {
            max = Math.max(max, Math.abs(v));
        }
        double g = max > 0 ? Math.min(0.9, peak) / max : 0;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * g);
        }
        return out;
    }
}
