package dev.ssam.ops.loss;

import dev.ssam.ops.OpFixtures;
import dev.ssam.ops.OpenClFixture;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The OpenCL {@link MseLoss} pieces against Ref: both losses close, both gradients bitwise equal,
 * on awkward and model shapes. Skips without an OpenCL device (fails under CI=true).
 */
class MseLossOpenClTest {
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    private static Tensor[] gradients(Backend b, Tensor pred, Tensor target, Tensor mask) {
        GuardedTensor ga = GuardedTensor.zeros(pred.shape());
        GuardedTensor gm = GuardedTensor.zeros(pred.shape());
        MseLoss.allBackward(b, pred, target, 0.75f, ga.tensor());
        MseLoss.maskedBackward(b, pred, target, mask, 0.75f, gm.tensor());
        ga.assertGuardsIntact("gpred all");
        gm.assertGuardsIntact("gpred masked");
        return new Tensor[] {ga.tensor(), gm.tensor()};
    }

    @Test
    void matchesRefOnAwkwardAndModelShapes() {
        int[][] shapes = {{1, 1, 1}, {1, 7, 17}, {2, 33, 7}, {3, 129, 33}, {2, 250, 64}, {8, 250, 64}};
        SplittableRandom r = new SplittableRandom(40);
        for (int[] s : shapes) {
            Tensor mask = GuardedTensor.zeros(s[0], s[1]).tensor();
            for (int i = 0; i < s[0] * s[1]; i++) {
                mask.data()[mask.offset() + i] = i == 0 || r.nextBoolean() ? 1f : 0f;
            }
            Tensor pred = OpFixtures.uniform(r, -2, 2, s);
            Tensor target = OpFixtures.uniform(r, -2, 2, s);
            Tensor[] before = {pred.copy(), target.copy(), mask.copy()};
            String n = "mse " + pred.shapeString();
            TensorCompare.assertClose(n + " all", OpFixtures.scalar(MseLoss.all(Backend.ref(), pred, target)),
                    OpFixtures.scalar(MseLoss.all(gpu, pred, target)), Tolerance.GPU_VS_REF);
            TensorCompare.assertClose(n + " masked", OpFixtures.scalar(MseLoss.masked(Backend.ref(), pred, target, mask)),
                    OpFixtures.scalar(MseLoss.masked(gpu, pred, target, mask)), Tolerance.GPU_VS_REF);
            Tensor[] ref = gradients(Backend.ref(), pred, target, mask);
            Tensor[] dev = gradients(gpu, pred, target, mask);
            TensorCompare.assertBitwiseEqual(n + " gpred all", ref[0], dev[0]);
            TensorCompare.assertBitwiseEqual(n + " gpred masked", ref[1], dev[1]);
            OpFixtures.assertUnchanged("pred", before[0], pred);
            OpFixtures.assertUnchanged("target", before[1], target);
            OpFixtures.assertUnchanged("mask", before[2], mask);
        }
    }
}
