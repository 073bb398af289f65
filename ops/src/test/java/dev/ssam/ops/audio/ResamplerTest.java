package dev.ssam.ops.audio;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {
    private static Backend cpu;

    @BeforeAll
    static void open() {
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void copiesAtEqualRates() {
        float[] x = random(1001, 1);
        Resampler r = Resampler.of(16_000, 16_000);
        assertEquals(1001, r.outputLength(1001));
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            float[] y = r.apply(b, x);
            assertNotSame(x, y);
            TensorCompare.assertBitwiseEqual(b + " identity", Tensor.of(x, x.length), Tensor.of(y, y.length));
        }
        AudioClip clip = new AudioClip(x, 16_000, 1, WavEncoding.PCM_S16, "same");
        assertSame(clip, Resampler.toRate(cpu, clip, 16_000));
    }

    @Test
    void rejectsNonPositiveRates() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resampler.of(0, 16_000));
        assertEquals("resample: sample rates must be positive, got orig 0 Hz -> new 16000 Hz", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Resampler.of(44_100, -16_000));
        assertTrue(e.getMessage().contains("new -16000 Hz"), e.getMessage());
    }

    @Test
    void rejectsWrongOutputShapeAndClipRate() {
        Resampler r = Resampler.of(48_000, 16_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.apply(cpu, Tensor.zeros(300), Tensor.zeros(99)));
        assertEquals("resample: out is [99], expected [len=100] for 300 samples at 48000 -> 16000 Hz", e.getMessage());
        AudioClip clip = new AudioClip(new float[10], 44_100, 2, WavEncoding.PCM_S16, "dog.wav");
        e = assertThrows(IllegalArgumentException.class, () -> r.apply(cpu, clip));
        assertEquals("resample: dog.wav is at 44100 Hz, this resampler expects 48000 Hz", e.getMessage());
    }

    @Test
    void outputLengthFollowsTorchaudioIncludingItsFloat32Ceiling() {
        Resampler r = Resampler.of(22_050, 16_000);
        assertEquals(24_000, r.outputLength(33_075));
        assertEquals(24_001, r.outputLength(33_076));
        assertEquals(1, r.outputLength(1));
        assertEquals(0, r.outputLength(0));
        // 320 * 720317 / 441 = 522679.0023 rounds to 522679.0f in float32: torchaudio keeps 522679 samples.
        assertEquals(522_679, r.outputLength(720_317));
        assertEquals(24_000, Resampler.of(8_000, 16_000).outputLength(12_000));
    }

    /** Every kept tap equals torchaudio's dense float32 kernel; every dropped one is a clamped tap below 1e-23. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"8000, 16000", "22050, 16000", "44100, 16000", "48000, 16000", "16000, 44100", "11025, 16000"})
    void keptTapsEqualTheDenseKernelAndDroppedOnesAreNegligible(int orig, int next) {
        ResampleKernel k = ResampleKernel.build(orig, next, Resampler.LOWPASS_FILTER_WIDTH, Resampler.ROLLOFF);
        double base = Math.min(k.orig, k.next) * Resampler.ROLLOFF;
        float baseF = (float) base;
        float scaleF = (float) (base / k.orig);
        int taps = 2 * k.width + k.orig;
        double dropped = 0;
        for (int j = 0; j < k.next; j++) {
            for (int t = 0; t < taps; t++) {
                float dense = ResampleKernel.tap(ResampleKernel.position(j, t, k.orig, k.next, k.width, baseF),
                        Resampler.LOWPASS_FILTER_WIDTH, scaleF);
                int i = t - k.start[j];
                if (i >= 0 && i < k.taps[j].length) {
                    assertEquals(Float.floatToIntBits(dense), Float.floatToIntBits(k.taps[j][i]),
                            "phase " + j + " tap " + t);
                } else {
                    dropped = Math.max(dropped, Math.abs(dense));
                }
            }
        }
        assertTrue(dropped < 1e-23, "largest dropped tap " + dropped);
    }

    @ParameterizedTest(name = "{0} -> {1}, L={2}")
    @CsvSource({"8000, 16000, 1", "8000, 16000, 7", "22050, 16000, 17", "44100, 16000, 33", "48000, 16000, 129",
        "44100, 16000, 4410", "11025, 16000, 1000", "32000, 16000, 251", "96000, 16000, 5000", "16000, 44100, 777",
        "44099, 16000, 3000", "12345, 16000, 2000"})
    void cpuMatchesRef(int orig, int next, int len) {
        Resampler r = Resampler.of(orig, next);
        // The input sits inside a larger buffer so the kernels must honour its offset.
        float[] buffer = random(len + 10, orig + len);
        Tensor in = Tensor.view(buffer, 5, len);
        Tensor before = in.copy();
        GuardedTensor ref = GuardedTensor.zeros(r.outputLength(len));
        GuardedTensor got = GuardedTensor.zeros(r.outputLength(len));

        r.apply(Backend.ref(), in, ref.tensor());
        r.apply(cpu, in, got.tensor());

        TensorCompare.assertClose("resample cpu vs ref", ref.tensor(), got.tensor(), Tolerance.CPU_VS_REF);
        ref.assertGuardsIntact("ref out");
        got.assertGuardsIntact("cpu out");
        TensorCompare.assertBitwiseEqual("input unchanged", before, in);
    }

    @Test
    void resamplesAClipAndKeepsItsSource() {
        AudioClip clip = new AudioClip(random(4410, 9), 44_100, 2, WavEncoding.PCM_S24, "a.wav");
        AudioClip out = Resampler.toRate(cpu, clip, Resampler.TARGET_RATE);
        assertEquals(16_000, out.sampleRate());
        assertEquals(1600, out.length());
        assertEquals("a.wav", out.source());
        assertEquals(2, out.channels());
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
