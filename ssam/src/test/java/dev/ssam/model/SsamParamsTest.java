package dev.ssam.model;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SsamParamsTest {

    @Test
    void namesAndShapesMatchTheMicroWeightsFile() throws Exception {
        try (Safetensors st = Safetensors.open(GoldenFiles.resource(getClass(), "micro.safetensors"))) {
            Map<String, ParamSpec> table = ParamNames.table(SsamConfig.micro());
            assertEquals(table.keySet(), st.names());
            for (ParamSpec s : table.values()) {
                assertArrayEquals(s.shape(), st.entry(s.name()).shape(), s.name());
            }
        }
    }

    @Test
    void officialOrderIsRegistrationOrder() {
        List<String> names = ParamNames.specs(SsamConfig.micro()).stream().map(ParamSpec::name).toList();
        assertEquals(List.of("cls_token", "pos_embed", "mask_token", "patch_embed.proj.weight", "patch_embed.proj.bias",
                "encoder_norm.weight", "encoder_norm.bias", "pred.0.weight", "pred.0.bias", "pred.2.weight", "pred.2.bias",
                "blocks.0.mixer.A_log", "blocks.0.mixer.D", "blocks.0.mixer.in_proj.weight", "blocks.0.mixer.conv1d.weight",
                "blocks.0.mixer.conv1d.bias", "blocks.0.mixer.x_proj.weight", "blocks.0.mixer.dt_proj.weight",
                "blocks.0.mixer.dt_proj.bias", "blocks.0.mixer.out_proj.weight", "blocks.0.norm.weight", "blocks.0.norm.bias"),
                names.subList(0, 22));
        assertEquals(11 + 2 * 11, names.size());
    }

    @Test
    void decayGroupsFollowTheOfficialTrainer() {
        List<String> decay = new ArrayList<>();
        List<String> noDecay = new ArrayList<>();
        List<String> frozen = new ArrayList<>();
        for (ParamSpec s : ParamNames.specs(SsamConfig.micro())) {
            (s.trainable() ? (s.weightDecay() ? decay : noDecay) : frozen).add(s.name());
        }
        assertEquals(List.of("pos_embed"), frozen);
        // The official micro checkpoint's optimizer has exactly these group sizes (PthCheckpointTest).
        assertEquals(17, decay.size());
        assertEquals(15, noDecay.size());
        assertTrue(decay.containsAll(List.of("cls_token", "mask_token", "patch_embed.proj.weight", "blocks.1.mixer.A_log",
                "blocks.0.mixer.conv1d.weight", "pred.2.weight")));
        assertTrue(noDecay.containsAll(List.of("blocks.0.mixer.D", "blocks.0.norm.weight", "pred.0.bias", "encoder_norm.weight")));
    }

    @Test
    void tinyHasAbout4Point8MillionWeights() {
        assertEquals(4_808_704, SsamParams.numParams(SsamConfig.tiny()));
        assertEquals(SsamParams.numParams(SsamConfig.micro()), SsamParams.zeros(SsamConfig.micro()).flat().size());
    }

    @Test
    void typedViewsShareDataWithOfficialTensors() {
        SsamConfig c = SsamConfig.micro();
        SsamParams p = SsamParams.zeros(c);
        Map<String, Tensor> named = p.named();
        BlockParams b1 = p.blocks().get(1);
        assertArrayEquals(new int[] {96, 4}, b1.convW().shape());
        assertArrayEquals(new int[] {96, 1, 4}, named.get("blocks.1.mixer.conv1d.weight").shape());
        named.get("blocks.1.mixer.conv1d.weight").set(7f, 5, 0, 3);
        assertEquals(7f, b1.convW().get(5, 3));
        named.get("patch_embed.proj.weight").set(3f, 2, 0, 1, 4);
        assertEquals(3f, p.patchEmbedW().get(2, 20));
        named.get("pos_embed").set(2f, 0, 250, 31);
        assertEquals(2f, p.posEmbed().get(250, 31));
        named.get("cls_token").set(1f, 0, 0, 9);
        assertEquals(1f, p.clsToken().get(9));
        for (ParamNames.Block k : ParamNames.Block.values()) {
            assertSame(b1.tensor(k).data(), named.get(k.key(1)).data());
            assertEquals(b1.tensor(k).offset(), named.get(k.key(1)).offset());
        }
    }

    @Test
    void flatCoversEveryTensorBackToBackInOfficialOrder() {
        SsamParams p = SsamParams.zeros(SsamConfig.micro());
        Tensor flat = p.flat();
        int at = 0;
        for (Map.Entry<String, Tensor> e : p.named().entrySet()) {
            assertEquals(flat.offset() + at, e.getValue().offset(), e.getKey());
            at += e.getValue().size();
        }
        assertEquals(at, flat.size());
        flat.fill(1.5f);
        assertEquals(1.5f, p.blocks().get(1).normB().get(31));
    }

    @Test
    void flatRejectsScatteredTensors() {
        SsamParams p = SsamParams.zeros(SsamConfig.micro());
        SsamParams scattered = new SsamParams(p.config(), p.clsToken().copy(), p.posEmbed(), p.maskToken(), p.patchEmbedW(),
                p.patchEmbedB(), p.encoderNormW(), p.encoderNormB(), p.pred0W(), p.pred0B(), p.pred2W(), p.pred2B(), p.blocks());
        assertThrows(IllegalStateException.class, scattered::flat);
        assertEquals(p.flat().size(), scattered.copy().flat().size());
    }

    @Test
    void copyIsDeep() {
        SsamParams p = SsamParams.zeros(SsamConfig.micro());
        p.blocks().get(0).aLog().set(4f, 1, 1);
        SsamParams q = p.copy();
        assertNotSame(p.flat().data(), q.flat().data());
        assertEquals(4f, q.blocks().get(0).aLog().get(1, 1));
        q.blocks().get(0).aLog().set(5f, 1, 1);
        assertEquals(4f, p.blocks().get(0).aLog().get(1, 1));
    }

    @Test
    void fromNamedCopiesAndChecksEveryTensor() {
        SsamConfig c = SsamConfig.micro();
        Map<String, Tensor> named = new HashMap<>();
        float v = 0;
        for (ParamSpec s : ParamNames.specs(c)) {
            Tensor t = Tensor.zeros(s.shape());
            t.fill(v++);
            named.put(s.name(), t);
        }
        SsamParams p = SsamParams.fromNamed(c, named);
        for (Map.Entry<String, Tensor> e : p.named().entrySet()) {
            assertArrayEquals(named.get(e.getKey()).toArray(), e.getValue().toArray(), e.getKey());
        }
        assertFalse(named.get("pred.0.weight").data() == p.pred0W().data());
    }

    @Test
    void fromNamedRejectsMissingExtraAndMisshapenTensors() {
        SsamConfig c = SsamConfig.micro();
        Map<String, Tensor> good = SsamParams.zeros(c).named();

        Map<String, Tensor> missing = new HashMap<>(good);
        missing.remove("blocks.1.mixer.dt_proj.bias");
        assertMessage("missing tensor 'blocks.1.mixer.dt_proj.bias' (expected shape [96])", () -> SsamParams.fromNamed(c, missing));

        Map<String, Tensor> extra = new HashMap<>(good);
        extra.put("blocks.2.norm.weight", Tensor.zeros(32));
        assertMessage("unexpected tensor 'blocks.2.norm.weight'", () -> SsamParams.fromNamed(c, extra));

        Map<String, Tensor> misshapen = new HashMap<>(good);
        misshapen.put("blocks.0.mixer.x_proj.weight", Tensor.zeros(96, 18));
        assertMessage("tensor 'blocks.0.mixer.x_proj.weight' is [96, 18], expected [18, 96]", () -> SsamParams.fromNamed(c, misshapen));
    }

    @Test
    void constructorRejectsWrongTypedShapes() {
        SsamParams p = SsamParams.zeros(SsamConfig.micro());
        BlockParams b = p.blocks().get(1);
        BlockParams bad = new BlockParams(b.normW(), b.normB(), b.inProj(), b.convW(), b.convB(), b.xProj(), b.dtProjW(),
                b.dtProjB(), Tensor.zeros(96, 9), b.d(), b.outProj());
        assertMessage("SsamParams: blocks.1.mixer.A_log is [96, 9], expected [96, 8]",
                () -> new SsamParams(p.config(), p.clsToken(), p.posEmbed(), p.maskToken(), p.patchEmbedW(), p.patchEmbedB(),
                        p.encoderNormW(), p.encoderNormB(), p.pred0W(), p.pred0B(), p.pred2W(), p.pred2B(),
                        List.of(p.blocks().get(0), bad)));
        assertMessage("SsamParams: patch_embed.proj.weight is [32, 1, 4, 16], expected [32, 64]",
                () -> new SsamParams(p.config(), p.clsToken(), p.posEmbed(), p.maskToken(), Tensor.zeros(32, 1, 4, 16),
                        p.patchEmbedB(), p.encoderNormW(), p.encoderNormB(), p.pred0W(), p.pred0B(), p.pred2W(), p.pred2B(),
                        p.blocks()));
        assertMessage("1 blocks, expected depth 2",
                () -> new SsamParams(p.config(), p.clsToken(), p.posEmbed(), p.maskToken(), p.patchEmbedW(), p.patchEmbedB(),
                        p.encoderNormW(), p.encoderNormB(), p.pred0W(), p.pred0B(), p.pred2W(), p.pred2B(),
                        List.of(p.blocks().get(0))));
    }

    @Test
    void specShapesAreDefensiveCopies() {
        ParamSpec s = ParamNames.specs(SsamConfig.micro()).get(0);
        s.shape()[0] = 99;
        assertEquals("[1, 1, 32]", Arrays.toString(s.shape()));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable body) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, body);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
