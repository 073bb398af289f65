package dev.ssam.tasks.train;

import dev.ssam.model.ParamSpec;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamInit;
import dev.ssam.model.SsamParams;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWStateTest {
    private static final SsamConfig MICRO = SsamConfig.micro();

    @TempDir
    Path tmp;

    private static SsamParams randomGrads(long seed) {
        SsamParams g = SsamParams.zeros(MICRO);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = g.flat().data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return g;
    }

    @Test
    void decaysOnlyTheOfficialGroupAndNeverTouchesPosEmbed() {
        SsamParams p = SsamInit.init(MICRO, 1L);
        SsamParams before = p.copy();
        SsamParams g = SsamParams.zeros(MICRO);
        g.posEmbed().fill(1f);
        AdamWState opt = AdamWState.zeros(MICRO, AdamWState.Hyper.OFFICIAL);
        opt.update(Backend.ref(), p, g, 0.1);
        Map<String, Tensor> now = p.named();
        Map<String, Tensor> was = before.named();
        float factor = (float) (1 - 0.1 * 0.05);
        int decayed = 0;
        for (ParamSpec s : p.specs()) {
            Tensor expected = was.get(s.name()).copy();
            if (s.weightDecay()) {
                float[] e = expected.data();
                for (int i = 0; i < e.length; i++) {
                    e[i] *= factor;
                }
                decayed++;
            }
            TensorCompare.assertBitwiseEqual(s.name(), expected, now.get(s.name()));
        }
        // Globals: cls_token, mask_token, patch_embed.proj.weight, pred.0.weight, pred.2.weight; per block: A_log,
        // in_proj, conv1d.weight, x_proj, dt_proj.weight, out_proj (not D, the biases or the norm).
        assertEquals(5 + 6 * MICRO.depth(), decayed);
        assertTrue(p.specs().stream().anyMatch(s -> s.name().equals("blocks.0.mixer.A_log") && s.weightDecay()));
    }

    @Test
    void saveAndLoadRestoreTheStateBitwise() throws Exception {
        SsamParams p = SsamInit.init(MICRO, 2L);
        AdamWState opt = AdamWState.zeros(MICRO, AdamWState.Hyper.OFFICIAL);
        opt.update(Backend.ref(), p, randomGrads(1), 1e-3);
        opt.update(Backend.ref(), p, randomGrads(2), 1e-3);
        Path f = tmp.resolve("opt.safetensors");
        opt.save(f);
        AdamWState back = AdamWState.load(f, MICRO, AdamWState.Hyper.OFFICIAL);
        assertEquals(2, back.steps());
        TensorCompare.assertBitwiseEqual("m", opt.m().flat(), back.m().flat());
        TensorCompare.assertBitwiseEqual("v", opt.v().flat(), back.v().flat());
        SsamParams p2 = p.copy();
        opt.update(Backend.ref(), p, randomGrads(3), 1e-3);
        back.update(Backend.ref(), p2, randomGrads(3), 1e-3);
        TensorCompare.assertBitwiseEqual("params after one more step", p.flat(), p2.flat());
    }

    @Test
    void loadNamesAMissingTensor() throws Exception {
        Path f = tmp.resolve("partial.safetensors");
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("m.cls_token", Tensor.zeros(1, 1, 32));
        Safetensors.write(f, t, Map.of("step", "1"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> AdamWState.load(f, MICRO, AdamWState.Hyper.OFFICIAL));
        assertTrue(e.getMessage().contains("lacks tensor 'v.cls_token'"), e.getMessage());
    }

    @Test
    void clippingScalesTheGlobalNormDownOnly() {
        SsamParams g = SsamParams.zeros(MICRO);
        g.flat().fill(1f);
        int n = g.flat().size();
        double norm = GradClip.clip(Backend.ref(), g, 1.0);
        assertEquals(Math.sqrt(n), norm, 1e-9 * Math.sqrt(n));
        float expected = (float) (1.0 / (Math.sqrt(n) + GradClip.EPS));
        Tensor want = Tensor.zeros(n);
        want.fill(expected);
        TensorCompare.assertBitwiseEqual("clipped", want, g.flat());
        SsamParams small = SsamParams.zeros(MICRO);
        small.clsToken().fill(1e-3f);
        GradClip.clip(Backend.ref(), small, 1.0);
        Tensor same = Tensor.zeros(MICRO.dModel());
        same.fill(1e-3f);
        TensorCompare.assertBitwiseEqual("unclipped", same, small.clsToken());
    }
}
