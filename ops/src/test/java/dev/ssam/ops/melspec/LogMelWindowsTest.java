package dev.ssam.ops.melspec;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link LogMel#windows}, the embedder's front end: every backend against Ref on clips from the
 * shortest allowed to several windows long (windows of 200 frames and of 7), padding frames
 * exactly zero, guards intact; the normalised golden log-mels through it; argument checks.
 */
class LogMelWindowsTest {
    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /** Tones plus noise at a few levels, so some mel bands are near the log's floor. */
    private static float[] clip(long seed, int samples) {
        SplittableRandom r = new SplittableRandom(seed);
        double f = 200 + 3000 * r.nextDouble();
        double level = Math.pow(10, -3 * r.nextDouble());
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (level * (0.6 * Math.sin(2 * Math.PI * f * i / LogMel.SAMPLE_RATE) + 0.2 * (r.nextDouble() - 0.5)));
        }
        return x;
    }

    private static int windows(List<float[]> waves, int t) {
        int w = 0;
        for (float[] x : waves) {
            w += (LogMel.frames(x.length) + t - 1) / t;
        }
        return w;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefWithZeroPadding(BackendUnderTest b) {
        int[] lengths = {LogMel.MIN_SAMPLES, 3_199, 31_840, 32_000, 64_159, 17_000};
        List<float[]> waves = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            waves.add(clip(40 + i, lengths[i]));
        }
        for (int t : new int[] {200, 7}) {
            for (LogMel.StdMode mode : LogMel.StdMode.values()) {
                int w = windows(waves, t);
                Tensor expected = Tensor.zeros(w, t, LogMel.N_MELS);
                LogMel.windows(Backend.ref(), waves, mode, expected);
                GuardedTensor out = GuardedTensor.zeros(w, t, LogMel.N_MELS);
                out.tensor().fill(7f);    // every element must be written
                LogMel.windows(b.backend(), waves, mode, out.tensor());
                String name = b + " T=" + t + " " + mode;
                System.out.println("LogMelWindowsTest: " + TensorCompare.assertClose(name, expected, out.tensor(), b.vsRef()));
                out.assertGuardsIntact(name);
                // padding frames are exactly zero: clip 0 (201 samples, 2 frames) fills frames 0..1 of window 0
                for (int f = 2; f < t; f++) {
                    for (int m = 0; m < LogMel.N_MELS; m++) {
                        assertEquals(0f, out.tensor().get(0, f, m), name + " padding frame " + f);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void normalisedGoldenLogMelsThroughOneWindowEach(BackendUnderTest b) throws IOException {
        try (Safetensors golden = Safetensors.open(GoldenFiles.resource(LogMelWindowsTest.class, "logmel.safetensors"))) {
            for (int i = 0; i < 3; i++) {
                float[] wave = golden.tensor("wave" + i).toArray();
                Tensor expected = golden.tensor("logmel" + i);
                int frames = LogMel.frames(wave.length);
                Tensor out = Tensor.zeros(1, frames, LogMel.N_MELS);
                LogMel.windows(b.backend(), List.of(wave), LogMel.StdMode.UNBIASED, out);
                System.out.println("LogMelWindowsTest: " + TensorCompare.assertClose(b + " logmel" + i, expected,
                        out.reshape(expected.shape()), Tolerance.LOGMEL_VS_GOLDEN));
            }
        }
    }

    static Stream<BackendUnderTest> gpus() {
        return Stream.of(BackendUnderTest.OPENCL, BackendUnderTest.CUDA);
    }

    /**
     * The device's compensated DFT on a loud tone over a very quiet floor: against a double-precision
     * oracle (the same windowed float frames, then DFT, power, mel, log and normalisation in double)
     * its normalised log-mels are within GPU_VS_DOUBLE (7.2e-6 at worst on PoCL), where the host's
     * float FFT path is off by 5.8e-5 on this clip.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gpus")
    void compensatedDftMatchesADoublePrecisionOracle(BackendUnderTest b) {
        int samples = 16_000;
        SplittableRandom r = new SplittableRandom(77);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / LogMel.SAMPLE_RATE) + 1e-6 * (r.nextDouble() - 0.5));
        }
        int frames = LogMel.frames(samples);
        Tensor out = Tensor.zeros(1, frames, LogMel.N_MELS);
        LogMel.windows(b.backend(), List.of(x), LogMel.StdMode.UNBIASED, out);
        System.out.println("LogMelWindowsTest: " + TensorCompare.assertClose(b + " vs double oracle",
                doubleOracle(x, frames), out, Tolerance.GPU_VS_DOUBLE));
    }

    /** {@link LogMel#windows} of one clip into one window of all its frames, computed in double after framing. */
    private static Tensor doubleOracle(float[] x, int frames) {
        float[] fb = MelFilterbank.ssam().toArray();   // (201, 80)
        double[] cos = new double[LogMel.N_FFT];
        double[] sin = new double[LogMel.N_FFT];
        for (int j = 0; j < LogMel.N_FFT; j++) {
            cos[j] = Math.cos(2 * Math.PI * j / LogMel.N_FFT);
            sin[j] = Math.sin(2 * Math.PI * j / LogMel.N_FFT);
        }
        double[] v = new double[frames * LogMel.N_MELS];
        double[] power = new double[LogMel.N_FREQS];
        float[] frame = new float[LogMel.N_FFT];
        for (int f = 0; f < frames; f++) {
            Framing.frame(x, 0, x.length, f, frame);
            for (int k = 0; k < LogMel.N_FREQS; k++) {
                double re = 0;
                double im = 0;
                for (int n = 0; n < LogMel.N_FFT; n++) {
                    int j = k * n % LogMel.N_FFT;
                    re += frame[n] * cos[j];
                    im -= frame[n] * sin[j];
                }
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < LogMel.N_MELS; m++) {
                double mel = 0;
                for (int k = 0; k < LogMel.N_FREQS; k++) {
                    mel += power[k] * fb[k * LogMel.N_MELS + m];
                }
                v[f * LogMel.N_MELS + m] = Math.log(mel + LogMel.LOG_OFFSET);
            }
        }
        double mean = 0;
        for (double d : v) {
            mean += d / v.length;
        }
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        double std = Math.sqrt(ss / (v.length - 1));
        float[] o = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = (float) ((v[i] - mean) / (std + LogMel.NORM_EPS));
        }
        return Tensor.of(o, 1, frames, LogMel.N_MELS);
    }

    @Test
    void rejectsAnOutputOfTheWrongWindowCountOrAShortClip() {
        List<float[]> waves = List.of(new float[32_000], new float[1_000]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogMel.windows(Backend.ref(), waves, LogMel.StdMode.UNBIASED, Tensor.zeros(2, 200, 80)));
        assertEquals("logMelWindows: out is [2, 200, 80], expected [windows=3, frames=200, mels=80] for 2 clips of "
                + "[201, 7] frames", e.getMessage());
        IllegalArgumentException shortClip = assertThrows(IllegalArgumentException.class,
                () -> LogMel.windows(Backend.ref(), List.of(new float[100]), LogMel.StdMode.UNBIASED,
                        Tensor.zeros(1, 200, 80)));
        assertEquals("logMel: clip 0 has 100 samples; centre reflect padding by 200 needs at least 201 (12.6 ms at 16 kHz)",
                shortClip.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LogMel.windows(Backend.ref(), waves, LogMel.StdMode.UNBIASED, Tensor.zeros(3, 200, 81)));
    }
}
