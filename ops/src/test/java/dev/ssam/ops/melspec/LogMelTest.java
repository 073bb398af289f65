package dev.ssam.ops.melspec;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogMelTest {
    private static Backend cpu;

    @BeforeAll
    static void open() {
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @ParameterizedTest(name = "S={0}")
    @ValueSource(ints = {201, 207, 359, 360, 1000, 16_017, 32_000})
    void cpuMatchesRef(int samples) {
        // The wave sits inside a larger buffer so the kernels must honour its offset.
        float[] buffer = noise(samples + 9, samples);
        Tensor wave = Tensor.view(buffer, 4, samples);
        Tensor before = wave.copy();
        int frames = LogMel.frames(samples);
        GuardedTensor ref = GuardedTensor.zeros(frames, LogMel.N_MELS);
        GuardedTensor got = GuardedTensor.zeros(frames, LogMel.N_MELS);

        LogMel.compute(Backend.ref(), wave, ref.tensor());
        LogMel.compute(cpu, wave, got.tensor());

        TensorCompare.assertClose("logmel cpu vs ref", ref.tensor(), got.tensor(), Tolerance.CPU_VS_REF);
        ref.assertGuardsIntact("ref out");
        got.assertGuardsIntact("cpu out");
        TensorCompare.assertBitwiseEqual("wave unchanged", before, wave);
    }

    /** An independent double-precision oracle: direct DFT of each reflect-padded Hann frame, dense filterbank. */
    @Test
    void refMatchesDirectDftInDouble() {
        int samples = 1234;
        float[] x = noise(samples, 5);
        int frames = LogMel.frames(samples);
        float[] fb = MelFilterbank.ssam().toArray();
        float[] expected = new float[frames * LogMel.N_MELS];
        for (int t = 0; t < frames; t++) {
            double[] power = new double[LogMel.N_FREQS];
            for (int k = 0; k < LogMel.N_FREQS; k++) {
                double re = 0;
                double im = 0;
                for (int n = 0; n < LogMel.N_FFT; n++) {
                    int p = t * LogMel.HOP + n - LogMel.PAD;
                    int s = p < 0 ? -p : p >= samples ? 2 * (samples - 1) - p : p;
                    double v = x[s] * (0.5 - 0.5 * Math.cos(2 * Math.PI * n / LogMel.N_FFT));
                    re += v * Math.cos(2 * Math.PI * k * n / LogMel.N_FFT);
                    im -= v * Math.sin(2 * Math.PI * k * n / LogMel.N_FFT);
                }
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < LogMel.N_MELS; m++) {
                double mel = 0;
                for (int k = 0; k < LogMel.N_FREQS; k++) {
                    mel += power[k] * fb[k * LogMel.N_MELS + m];
                }
                expected[t * LogMel.N_MELS + m] = (float) Math.log(mel + LogMel.LOG_OFFSET);
            }
        }
        Tensor got = LogMel.compute(Backend.ref(), x);
        TensorCompare.assertClose("logmel ref vs direct DFT", Tensor.of(expected, frames, LogMel.N_MELS), got,
                Tolerance.CPU_VS_REF_REDUCTION);
    }

    @Test
    void pureToneLandsInTheFilterPeakingAtItsFrequency() {
        float[] x = new float[16_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * i / LogMel.SAMPLE_RATE));
        }
        float[] fb = MelFilterbank.ssam().toArray();
        int bin = 1000 * LogMel.N_FFT / LogMel.SAMPLE_RATE;
        int expected = argmax(fb, bin * LogMel.N_MELS, LogMel.N_MELS);
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            Tensor out = LogMel.compute(b, x);
            assertEquals(expected, argmax(out.data(), 50 * LogMel.N_MELS, LogMel.N_MELS), b + ": loudest mel band of frame 50");
        }
    }

    @Test
    void batchEqualsClipByClip() {
        int batch = 3;
        int samples = 2_345;
        int frames = LogMel.frames(samples);
        float[] waves = noise(batch * samples, 11);
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            Tensor out = Tensor.zeros(batch, frames, LogMel.N_MELS);
            LogMel.compute(b, Tensor.of(waves, batch, samples), out);
            for (int i = 0; i < batch; i++) {
                float[] one = java.util.Arrays.copyOfRange(waves, i * samples, (i + 1) * samples);
                TensorCompare.assertBitwiseEqual(b + " clip " + i, LogMel.compute(b, one).reshape(1, frames, LogMel.N_MELS),
                        out.slice0(i, i + 1));
            }
        }
    }

    @Test
    void clipsOfDifferentLengthsEqualClipByClip() {
        List<float[]> clips = new ArrayList<>();
        for (int s : new int[] {201, 16_000, 999, 4_801, 333}) {
            clips.add(noise(s, s));
        }
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            List<Tensor> all = LogMel.compute(b, clips, 20);
            for (int i = 0; i < clips.size(); i++) {
                Tensor one = LogMel.compute(b, clips.get(i), 20);
                assertEquals(Math.min(20, LogMel.frames(clips.get(i).length)), all.get(i).dim(0));
                TensorCompare.assertBitwiseEqual(b + " clip " + i, one, all.get(i));
            }
        }
    }

    @Test
    void cropComputesTheFirstFrames() {
        float[] x = noise(8_000, 21);
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            Tensor full = LogMel.compute(b, x);
            Tensor crop = LogMel.compute(b, x, 7);
            assertEquals(7, crop.dim(0));
            TensorCompare.assertBitwiseEqual(b + " crop", full.slice0(0, 7), crop);
        }
    }

    @Test
    void shortestClipHasTwoFrames() {
        float[] x = noise(LogMel.MIN_SAMPLES, 2);
        Tensor ref = LogMel.compute(Backend.ref(), x);
        assertEquals(2, ref.dim(0));
        TensorCompare.assertClose("201 samples", ref, LogMel.compute(cpu, x), Tolerance.CPU_VS_REF);
    }

    @Test
    void rejectsClipsTooShortForReflectPadding() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogMel.compute(cpu, new float[200]));
        assertEquals("logMel: clip 0 has 200 samples; centre reflect padding by 200 needs at least 201 (12.6 ms at 16 kHz)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogMel.compute(Backend.ref(), Tensor.zeros(0), Tensor.zeros(1, 80)));
        assertTrue(e.getMessage().startsWith("logMel: wave has 0 samples"), e.getMessage());
    }

    @Test
    void rejectsBadOutputShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogMel.compute(cpu, Tensor.zeros(1600), Tensor.zeros(12, 80)));
        assertEquals("logMel: out is [12, 80], expected [frames=11, mels=80] (or fewer frames, to crop) for 1600 samples",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogMel.compute(cpu, Tensor.zeros(2, 1600), Tensor.zeros(3, 11, 80)));
        assertTrue(e.getMessage().contains("expected [batch=2, frames=11, mels=80]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogMel.compute(cpu, Tensor.zeros(1600), Tensor.zeros(11, 64)));
        assertTrue(e.getMessage().startsWith("logMel: out is [11, 64]"), e.getMessage());
    }

    @Test
    void nonFiniteSamplesSpoilOnlyTheFramesThatSeeThem() {
        float[] x = noise(3_000, 8);
        x[1000] = Float.NaN;
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            Tensor out = LogMel.compute(b, x);
            for (int t = 0; t < out.dim(0); t++) {
                // Frame t covers samples [160 t - 200, 160 t + 200): sample 1000 is in frames 6 and 7.
                boolean sees = t == 6 || t == 7;
                for (int m = 0; m < LogMel.N_MELS; m++) {
                    float v = out.get(t, m);
                    assertEquals(sees, Float.isNaN(v), b + " frame " + t + " mel " + m + " = " + v);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LogMel.StdMode.class)
    void normalisesPerClipWithTheChosenStd(LogMel.StdMode mode) {
        int batch = 2;
        int frames = 13;
        Tensor in = Tensor.of(noise(batch * frames * LogMel.N_MELS, 4), batch, frames, LogMel.N_MELS);
        Tensor before = in.copy();
        GuardedTensor out = GuardedTensor.zeros(batch, frames, LogMel.N_MELS);

        LogMel.normalize(in, out.tensor(), mode);

        int n = frames * LogMel.N_MELS;
        float[] expected = new float[batch * n];
        for (int b = 0; b < batch; b++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += in.data()[b * n + i] / (double) n;
            }
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += Math.pow(in.data()[b * n + i] - mean, 2);
            }
            double std = Math.sqrt(ss / (mode == LogMel.StdMode.UNBIASED ? n - 1 : n));
            for (int i = 0; i < n; i++) {
                expected[b * n + i] = (float) ((in.data()[b * n + i] - mean) / (std + 1e-8));
            }
        }
        TensorCompare.assertClose("normalize " + mode, Tensor.of(expected, batch, frames, LogMel.N_MELS), out.tensor(),
                Tolerance.CPU_VS_REF);
        out.assertGuardsIntact("normalize out");
        TensorCompare.assertBitwiseEqual("input unchanged", before, in);

        Tensor inPlace = in.copy();
        LogMel.normalize(inPlace, inPlace, mode);
        TensorCompare.assertBitwiseEqual("in place", out.tensor(), inPlace);
    }

    @Test
    void featuresCropBeforeNormalising() {
        float[] x = noise(9_000, 6);
        Tensor crop = LogMel.compute(cpu, x).slice0(0, 10).copy();
        LogMel.normalize(crop, crop, LogMel.StdMode.UNBIASED);
        TensorCompare.assertBitwiseEqual("features", crop, LogMel.features(cpu, x, 10, LogMel.StdMode.UNBIASED));
    }

    @Test
    void rejectsNormalisingAMismatchedOutput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogMel.normalize(Tensor.zeros(5, 80), Tensor.zeros(5, 81), LogMel.StdMode.BIASED));
        assertEquals("logMel.normalize: out is [5, 81], expected [5, 80] like in", e.getMessage());
    }

    private static int argmax(float[] a, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[off + i] > a[off + best]) {
                best = i;
            }
        }
        return best;
    }

    private static float[] noise(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return x;
    }
}
