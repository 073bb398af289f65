package dev.ssam.model;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureLayoutTest {
    private static Tensor random(long seed, int... shape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        for (int k = 0; k < t.size(); k++) {
            t.data()[k] = (float) rnd.nextGaussian();
        }
        return t;
    }

    @Test
    void frameJConcatenatesTokensJ50PlusJAndSoOn() {
        SsamConfig c = SsamConfig.tiny();
        Tensor tokens = random(3, 2, 250, 192);
        Tensor before = tokens.copy();
        GuardedTensor out = GuardedTensor.zeros(2, 50, 960);
        FeatureLayout.toFrames(c, tokens, out.tensor());
        out.assertGuardsIntact("toFrames out");
        TensorCompare.assertBitwiseEqual("tokens unchanged", before, tokens);
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 50; j++) {
                for (int k = 0; k < 5; k++) {
                    for (int d = 0; d < 192; d++) {
                        assertEquals(tokens.get(b, 50 * k + j, d), out.tensor().get(b, j, 192 * k + d));
                    }
                }
            }
        }
    }

    @Test
    void skipsALeadingClassToken() {
        SsamConfig c = SsamConfig.micro();
        Tensor withCls = random(4, 3, 251, 32);
        Tensor withoutCls = Tensor.zeros(3, 250, 32);
        for (int b = 0; b < 3; b++) {
            for (int k = 0; k < 250; k++) {
                for (int d = 0; d < 32; d++) {
                    withoutCls.set(withCls.get(b, k + 1, d), b, k, d);
                }
            }
        }
        TensorCompare.assertBitwiseEqual("frames", FeatureLayout.toFrames(c, withoutCls), FeatureLayout.toFrames(c, withCls));
    }

    @Test
    void fromFramesIsTheInverseAndZeroesTheClassRow() {
        SsamConfig c = SsamConfig.micro();
        Tensor tokens = random(5, 2, 250, 32);
        Tensor frames = FeatureLayout.toFrames(c, tokens);
        TensorCompare.assertBitwiseEqual("inverse", tokens, FeatureLayout.fromFrames(c, frames));

        GuardedTensor grad = GuardedTensor.zeros(2, 251, 32);
        grad.tensor().fill(Float.NaN);
        FeatureLayout.fromFrames(c, frames, grad.tensor());
        grad.assertGuardsIntact("fromFrames out");
        for (int b = 0; b < 2; b++) {
            for (int d = 0; d < 32; d++) {
                assertEquals(0f, grad.tensor().get(b, 0, d));
                assertEquals(tokens.get(b, 249, d), grad.tensor().get(b, 250, d));
            }
        }
    }

    @Test
    void rejectsWrongShapesNamingOpAndArgument() {
        SsamConfig c = SsamConfig.micro();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureLayout.toFrames(c, Tensor.zeros(2, 250, 31)));
        assertTrue(e.getMessage().equals("FeatureLayout.toFrames: tokens is [2, 250, 31], expected [batch=2, patches=250, dModel=32]"),
                e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> FeatureLayout.fromFrames(c, Tensor.zeros(2, 50, 161), Tensor.zeros(2, 250, 32)));
        assertTrue(f.getMessage().startsWith("FeatureLayout.fromFrames: frames is [2, 50, 161]"), f.getMessage());
    }
}
