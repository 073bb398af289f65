package dev.ssam.ops.melspec;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** golden/logmel.safetensors: wave0..2 -> logmel_raw{i}, logmel{i} (1, 1, T, 80), mel_fbanks (201, 80). */
class LogMelGoldenTest {
    private static Safetensors golden;
    private static Backend cpu;

    @BeforeAll
    static void open() throws IOException {
        golden = Safetensors.open(GoldenFiles.resource(LogMelGoldenTest.class, "logmel.safetensors"));
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void close() {
        golden.close();
        cpu.close();
    }

    @Test
    void filterbankMatchesGolden() {
        TensorCompare.assertClose("mel_fbanks", golden.tensor("mel_fbanks"), MelFilterbank.ssam(), Tolerance.OP_VS_GOLDEN);
    }

    @ParameterizedTest(name = "wave{0}")
    @ValueSource(ints = {0, 1, 2})
    void rawLogMelMatchesGoldenOnEveryBackend(int i) {
        float[] wave = golden.tensor("wave" + i).toArray();
        Tensor expected = golden.tensor("logmel_raw" + i);
        int frames = expected.dim(2);
        assertEquals(LogMel.frames(wave.length), frames);
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            Tensor got = LogMel.compute(b, wave);
            TensorCompare.assertClose(b + " logmel_raw" + i, expected, got.reshape(1, 1, frames, LogMel.N_MELS),
                    Tolerance.LOGMEL_VS_GOLDEN);
        }
    }

    @ParameterizedTest(name = "wave{0}")
    @ValueSource(ints = {0, 1, 2})
    void normalisedLogMelMatchesGolden(int i) {
        float[] wave = golden.tensor("wave" + i).toArray();
        Tensor expected = golden.tensor("logmel" + i);
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            Tensor got = LogMel.features(b, wave, Integer.MAX_VALUE, LogMel.StdMode.UNBIASED);
            TensorCompare.assertClose(b + " logmel" + i, expected, got.reshape(expected.shape()), Tolerance.LOGMEL_VS_GOLDEN);
        }
    }

    /**
     * The golden model input x (2, 1, 200, 80) of micro_golden: wave0 and the first 2 s of wave2,
     * each cropped to 200 frames, then normalised.
     */
    @Test
    void croppedModelInputsMatchGolden() throws IOException {
        Optional<Path> file = GoldenFiles.file("micro_golden.safetensors");
        if (file.isEmpty() && GoldenFiles.inCi()) {
            throw new AssertionError("shared/golden/micro_golden.safetensors is missing under CI");
        }
        Assumptions.assumeTrue(file.isPresent(), "shared/golden/micro_golden.safetensors not found above the working directory");
        Tensor x;
        try (Safetensors micro = Safetensors.open(file.get())) {
            x = micro.tensor("x");
        }
        float[] wave0 = golden.tensor("wave0").toArray();
        float[] wave2 = Arrays.copyOf(golden.tensor("wave2").toArray(), 32_000);
        for (Backend b : new Backend[] {Backend.ref(), cpu}) {
            Tensor got = Tensor.zeros(2, 1, 200, LogMel.N_MELS);
            got.slice0(0, 1).copyFrom(LogMel.features(b, wave0, 200, LogMel.StdMode.UNBIASED).reshape(1, 1, 200, 80));
            got.slice0(1, 2).copyFrom(LogMel.features(b, wave2, 200, LogMel.StdMode.UNBIASED).reshape(1, 1, 200, 80));
            TensorCompare.assertClose(b + " micro_golden x", x, got, Tolerance.LOGMEL_VS_GOLDEN);
        }
    }
}
