package dev.ssam.ops.optim;

import dev.ssam.ops.OpFixtures;
import dev.ssam.ops.OpenClFixture;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OpenCL {@link AdamW} step against Ref over three steps, both hyperparameter branches (lerp
 * weight below and above 1/2, with and without decay): bitwise equal on a device with correctly
 * rounded division and sqrt. Skips without an OpenCL device (fails under CI=true).
 */
class AdamWOpenClTest {
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    @Test
    void bitwiseEqualToRefOverThreeSteps() {
        assumeTrue(((Backend.OpenCl) gpu).context().device().correctlyRoundedDivideSqrt(),
                "the device does not round division and sqrt correctly");
        SplittableRandom r = new SplittableRandom(61);
        float[][] hypers = {{1e-3f, 0.9f, 0.95f, 1e-8f, 0.05f}, {3e-4f, 0.3f, 0.999f, 1e-6f, 0f}};
        int[][] shapes = {{1}, {7}, {17, 33}, {129}, {1152, 192}};
        for (float[] h : hypers) {
            for (int[] s : shapes) {
                Tensor init = OpFixtures.uniform(r, -1, 1, s);
                GuardedTensor[] ref = {GuardedTensor.copyOf(init), GuardedTensor.zeros(s), GuardedTensor.zeros(s)};
                GuardedTensor[] dev = {GuardedTensor.copyOf(init), GuardedTensor.zeros(s), GuardedTensor.zeros(s)};
                for (int step = 1; step <= 3; step++) {
                    Tensor g = OpFixtures.uniform(r, -0.1, 0.1, s);
                    Tensor before = g.copy();
                    AdamW.step(Backend.ref(), ref[0].tensor(), g, ref[1].tensor(), ref[2].tensor(), step, h[0], h[1],
                            h[2], h[3], h[4]);
                    AdamW.step(gpu, dev[0].tensor(), g, dev[1].tensor(), dev[2].tensor(), step, h[0], h[1], h[2],
                            h[3], h[4]);
                    OpFixtures.assertUnchanged("grad", before, g);
                }
                String n = "adamW lr " + h[0] + " beta1 " + h[1] + " " + init.shapeString();
                String[] names = {"param", "m", "v"};
                for (int i = 0; i < 3; i++) {
                    TensorCompare.assertBitwiseEqual(n + " " + names[i], ref[i].tensor(), dev[i].tensor());
                    dev[i].assertGuardsIntact(names[i]);
                }
            }
        }
    }
}
