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
