package dev.ssam.model;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatchesTest {
    private static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int k = 0; k < t.size(); k++) {
            t.data()[k] = (float) rnd.nextGaussian();
        }
        return t;
    }

    @Test
    void patchifyOfGoldenInputIsGoldenTarget() throws Exception {
        try (Safetensors st = Safetensors.open(GoldenFiles.resource(getClass(), "micro_golden.safetensors"))) {
            Tensor x = st.tensor("x").reshape(2, 200, 80); // (B, 1, T, F) -> (B, T, F)
            TensorCompare.assertBitwiseEqual("target", st.tensor("target"), Patches.patchify(SsamConfig.micro(), x));
        }
    }

    @Test
    void patchValueIndexIsTimeOffsetTimes16PlusBinOffset() {
        SsamConfig c = SsamConfig.tiny();
        Tensor x = random(new SplittableRandom(1), 3, 200, 80);
        Tensor before = x.copy();
        GuardedTensor out = GuardedTensor.zeros(3, 250, 64);
        Patches.patchify(c, x, out.tensor());
        out.assertGuardsIntact("patchify out");
        TensorCompare.assertBitwiseEqual("logmel unchanged", before, x);
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 50; t++) {
                for (int f = 0; f < 5; f++) {
                    for (int i = 0; i < 4; i++) {
                        for (int j = 0; j < 16; j++) {
                            assertEquals(x.get(b, 4 * t + i, 16 * f + j), out.tensor().get(b, 5 * t + f, 16 * i + j));
                        }
                    }
                }
            }
        }
    }

    @Test
    void unpatchifyInvertsPatchifyOnOddPatchSizes() {
        SsamConfig c = new SsamConfig(32, 1, 8, 3, 2, 4, 2, 8, 20, 80, 1e-6, 0.5);
        Tensor x = random(new SplittableRandom(2), 1, 20, 80);
        Tensor patches = Patches.patchify(c, x);
        GuardedTensor back = GuardedTensor.zeros(1, 20, 80);
        Patches.unpatchify(c, patches, back.tensor());
        back.assertGuardsIntact("unpatchify out");
        TensorCompare.assertBitwiseEqual("round trip", x, back.tensor());
    }

    @Test
    void rejectsWrongFrameCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Patches.patchify(SsamConfig.micro(), Tensor.zeros(2, 199, 80)));
        assertTrue(e.getMessage().equals("patchify: logmel is [2, 199, 80], expected [batch=2, frames=200, melBins=80]"),
                e.getMessage());
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
                () -> Patches.patchify(SsamConfig.micro(), Tensor.zeros(2, 200, 80), Tensor.zeros(1, 250, 64)));
        assertTrue(out.getMessage().startsWith("patchify: out is [1, 250, 64]"), out.getMessage());
    }
}
