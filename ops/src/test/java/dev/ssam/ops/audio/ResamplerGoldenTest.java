package dev.ssam.ops.audio;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

/** torchaudio.functional.resample (defaults) from 8, 22.05, 44.1 and 48 kHz to 16 kHz: golden in{sr} -> out{sr}. */
class ResamplerGoldenTest {
    private static Safetensors golden;
    private static Backend cpu;

    @BeforeAll
    static void open() throws IOException {
        golden = Safetensors.open(GoldenFiles.resource(ResamplerGoldenTest.class, "resample.safetensors"));
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void close() {
        golden.close();
        cpu.close();
    }

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {8_000, 22_050, 44_100, 48_000})
    void refMatchesGolden(int rate) {
        check(Backend.ref(), rate);
    }

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {8_000, 22_050, 44_100, 48_000})
    void cpuMatchesGolden(int rate) {
        check(cpu, rate);
    }

    private static void check(Backend backend, int rate) {
        Tensor in = golden.tensor("in" + rate);
        Tensor expected = golden.tensor("out" + rate);
        Resampler r = Resampler.of(rate, Resampler.TARGET_RATE);
        GuardedTensor out = GuardedTensor.zeros(r.outputLength(in.size()));
        Tensor before = in.copy();

        r.apply(backend, in, out.tensor());

        TensorCompare.assertClose(backend + " resample " + rate, expected, out.tensor(), Tolerance.OP_VS_GOLDEN);
        out.assertGuardsIntact("resample out");
        TensorCompare.assertBitwiseEqual("resample input unchanged", before, in);
    }
}
