package dev.ssam.model;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SsamInitTest {

    /** Half-width of the uniform law of a tensor, or NaN when it is not uniform (SsamInit's table). */
    private static double uniformBound(SsamConfig c, String name) {
        int d = c.dModel();
        int e = c.dInner();
        if (name.endsWith("mixer.in_proj.weight")) {
            return 1 / Math.sqrt(d);
        }
        if (name.endsWith("mixer.conv1d.weight") || name.endsWith("mixer.conv1d.bias")) {
            return 1 / Math.sqrt(c.dConv());
        }
        if (name.endsWith("mixer.x_proj.weight")) {
            return 1 / Math.sqrt(e);
        }
        if (name.endsWith("mixer.dt_proj.weight")) {
            return 1 / Math.sqrt(c.dtRank());
        }
        if (name.endsWith("mixer.out_proj.weight")) {
            return 1 / Math.sqrt(e) / Math.sqrt(c.depth());
        }
        if (name.equals("pred.0.weight") || name.equals("pred.2.weight")) {
            return 1 / Math.sqrt(d);
        }
        if (name.equals("patch_embed.proj.weight")) {
            return Math.sqrt(6.0 / (c.patchDim() * (1.0 + d)));
        }
        return Double.NaN;
    }

    /** A level the largest |w| of n uniform draws exceeds except with probability about e^-12. */
    private static double nearBound(double bound, Tensor t) {
        return bound * (1 - 12.0 / t.size());
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.toArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double std(Tensor t) {
        float[] v = t.toArray();
        double s = 0;
        double ss = 0;
        for (float x : v) {
            s += x;
            ss += (double) x * x;
        }
        double mean = s / v.length;
        return Math.sqrt(ss / v.length - mean * mean);
    }

    private static void assertAll(Tensor t, float value, String name) {
        for (float v : t.toArray()) {
            assertEquals(value, v, name);
        }
    }

    @Test
    void sameSeedGivesBitwiseSameModelAndOtherSeedsDiffer() {
        SsamParams a = SsamInit.init(SsamConfig.micro(), 3L);
        SsamParams b = SsamInit.init(SsamConfig.micro(), 3L);
        TensorCompare.assertBitwiseEqual("model", a.flat(), b.flat());
        SsamParams c = SsamInit.init(SsamConfig.micro(), 4L);
        assertFalse(java.util.Arrays.equals(a.flat().toArray(), c.flat().toArray()));
    }

    @Test
    void followsTheOfficialRuleForEveryTensor() {
        SsamConfig c = SsamConfig.nano();
        SsamParams p = SsamInit.init(c, 0L);
        int checked = 0;
        for (Map.Entry<String, Tensor> en : p.named().entrySet()) {
            String name = en.getKey();
            Tensor t = en.getValue();
            double bound = uniformBound(c, name);
            if (!Double.isNaN(bound)) {
                assertTrue(maxAbs(t) <= bound, name + ": max |w| " + maxAbs(t) + " > bound " + bound);
                assertTrue(maxAbs(t) > nearBound(bound, t), name + ": max |w| " + maxAbs(t) + " far below bound " + bound);
                double expectedStd = bound / Math.sqrt(3);
                assertTrue(Math.abs(std(t) - expectedStd) < 0.2 * expectedStd, name + ": std " + std(t)
                        + ", expected about " + expectedStd);
            } else if (name.equals("cls_token") || name.equals("mask_token")) {
                assertTrue(Math.abs(std(t) - 0.02) < 0.006, name + ": std " + std(t));
            } else if (name.endsWith("mixer.A_log")) {
                for (int row = 0; row < c.dInner(); row++) {
                    for (int n = 0; n < c.dState(); n++) {
                        assertEquals((float) Math.log(n + 1), t.get(row, n), name);
                    }
                }
            } else if (name.endsWith("mixer.dt_proj.bias")) {
                for (float v : t.toArray()) {
                    double dt = Math.log1p(Math.exp(v)); // softplus
                    assertTrue(dt >= 0.999e-3 && dt <= 0.1001, name + ": softplus(bias) = " + dt);
                }
            } else if (name.equals("pos_embed")) {
                TensorCompare.assertBitwiseEqual(name, PositionEmbedding.sinCos2d(c).reshape(t.shape()), t);
            } else if (name.endsWith("mixer.D") || name.endsWith("norm.weight")) {
                assertAll(t, 1f, name);
            } else {
                assertTrue(name.endsWith(".bias"), "no rule checked for " + name);
                assertAll(t, 0f, name);
            }
            checked++;
        }
        assertEquals(p.specs().size(), checked);
    }

    @Test
    void matchesTheRangesOfTheGoldenTinyInitialisation() throws Exception {
        SsamConfig c = SsamConfig.tiny();
        SsamParams golden = SsamWeights.load(GoldenAssume.require("tiny.safetensors.index.json"));
        SsamParams ours = SsamInit.init(c, 0L);
        Map<String, Tensor> g = golden.named();
        for (Map.Entry<String, Tensor> en : ours.named().entrySet()) {
            String name = en.getKey();
            Tensor mine = en.getValue();
            Tensor theirs = g.get(name);
            double bound = uniformBound(c, name);
            if (!Double.isNaN(bound)) {
                double gm = maxAbs(theirs);
                assertTrue(gm <= bound * (1 + 1e-6) && gm > nearBound(bound, theirs), name + ": golden max |w| " + gm + ", bound " + bound);
                assertTrue(maxAbs(mine) <= bound && maxAbs(mine) > nearBound(bound, mine), name + ": our max |w| " + maxAbs(mine));
            } else if (name.endsWith("dt_proj.bias") || name.endsWith("_token")) {
                assertTrue(Math.abs(std(mine) - std(theirs)) < 0.25 * std(theirs), name + ": std " + std(mine)
                        + " vs golden " + std(theirs));
            } else {
                TensorCompare.assertClose(name, theirs, mine, Tolerance.OP_VS_GOLDEN);
            }
        }
    }

    @Test
    void initialisedModelGivesAFiniteLossOfAboutTheTargetVariance() {
        SsamConfig c = SsamConfig.micro();
        SsamParams p = SsamInit.init(c, 1L);
        java.util.SplittableRandom r = new java.util.SplittableRandom(2L);
        Tensor x = Tensor.zeros(2, c.frames(), c.melBins());
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) r.nextGaussian();
        }
        Tensor mask = Masking.sample(c, Masking.Mode.UNSTRUCTURED, 1L, 2);
        Pretraining.Workspace ws = Pretraining.Workspace.allocate(c, 2);
        Pretraining.Result res = Pretraining.forward(Backend.ref(), p, x, mask, Pretraining.Options.OFFICIAL, ws);
        assertTrue(res.lossAll() > 0.8 && res.lossAll() < 2.0, "initial loss " + res.lossAll());
    }
}
