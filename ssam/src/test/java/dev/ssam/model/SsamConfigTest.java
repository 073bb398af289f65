package dev.ssam.model;

import dev.ssam.runtime.io.FileFormatException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SsamConfigTest {

    @Test
    void tinyHasTheReleasedSizes() {
        SsamConfig c = SsamConfig.tiny();
        assertEquals(192, c.dModel());
        assertEquals(12, c.depth());
        assertEquals(24, c.dState());
        assertEquals(576, c.dInner());
        assertEquals(12, c.dtRank());
        assertEquals(4, c.dConv());
        assertEquals(50, c.gridFrames());
        assertEquals(5, c.gridBins());
        assertEquals(250, c.numPatches());
        assertEquals(251, c.seqLen());
        assertEquals(64, c.patchDim());
        assertEquals(960, c.featureDim());
        assertEquals(125, c.numKept());
        assertEquals(1e-6, c.normEps());
    }

    @Test
    void presetsDeriveDtRankAndWidths() {
        assertEquals(2, SsamConfig.micro().dtRank());
        assertEquals(96, SsamConfig.micro().dInner());
        assertEquals(8, SsamConfig.micro().dState());
        assertEquals(4, SsamConfig.nano().dtRank());
        assertEquals(192, SsamConfig.nano().dInner());
        assertEquals(24, SsamConfig.small().dtRank());
        assertEquals(48, SsamConfig.base().dtRank());
        assertEquals(1, SsamConfig.autoDtRank(16));
        assertEquals(2, SsamConfig.autoDtRank(17));
    }

    @Test
    void presetNameRecognisesPresetsOnly() {
        for (SsamConfig.Preset p : SsamConfig.Preset.values()) {
            assertEquals(p.name().toLowerCase(java.util.Locale.ROOT), p.config().presetName());
        }
        assertEquals("custom", SsamConfig.of(64, 3, 16).presetName());
        assertTrue(SsamConfig.micro().summary().startsWith("micro: D 32, depth 2, N 8, E 96, R 2, K 4"));
    }

    @Test
    void jsonRoundTripsEveryPreset() {
        for (SsamConfig.Preset p : SsamConfig.Preset.values()) {
            assertEquals(p.config(), SsamConfig.fromJson(p.config().toJson()), p.name());
        }
        SsamConfig custom = new SsamConfig(40, 3, 5, 2, 7, 3, 2, 8, 100, 80, 1e-5, 0.75);
        assertEquals(custom, SsamConfig.fromJson(custom.toJson()));
    }

    @Test
    void jsonUsesOfficialKeys() {
        String json = SsamConfig.tiny().toJson();
        for (String key : new String[] {"\"embed_dim\":192", "\"depth\":12", "\"img_size\":[200,80]", "\"patch_size\":[4,16]",
                "\"frequency_first\":false", "\"ssm_kwargs\":{", "\"d_state\":24", "\"d_conv\":4", "\"expand\":3",
                "\"dt_rank\":12", "\"norm_epsilon\":", "\"mask_ratio\":0.5"}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
    }

    @Test
    void fromJsonFillsDefaultsAndAutoDtRank() {
        assertEquals(SsamConfig.tiny(), SsamConfig.fromJson("{\"embed_dim\": 192, \"depth\": 12, \"ssm_kwargs\": {\"dt_rank\": \"auto\"}}"));
        assertEquals(SsamConfig.micro(), SsamConfig.fromJson("{\"embed_dim\": 32.0, \"depth\": 2, \"ssm_kwargs\": {\"d_state\": 8}}"));
    }

    @Test
    void rejectsBadValuesNamingTheField() {
        assertRejected("embed_dim", () -> new SsamConfig(30, 2, 8, 3, 2, 4, 4, 16, 200, 80, 1e-6, 0.5));
        assertRejected("embed_dim", () -> new SsamConfig(0, 2, 8, 3, 2, 4, 4, 16, 200, 80, 1e-6, 0.5));
        assertRejected("depth", () -> new SsamConfig(32, 0, 8, 3, 2, 4, 4, 16, 200, 80, 1e-6, 0.5));
        assertRejected("d_state", () -> new SsamConfig(32, 2, 0, 3, 2, 4, 4, 16, 200, 80, 1e-6, 0.5));
        assertRejected("expand", () -> new SsamConfig(32, 2, 8, -1, 2, 4, 4, 16, 200, 80, 1e-6, 0.5));
        assertRejected("dt_rank", () -> new SsamConfig(32, 2, 8, 3, 0, 4, 4, 16, 200, 80, 1e-6, 0.5));
        assertRejected("d_conv", () -> new SsamConfig(32, 2, 8, 3, 2, 0, 4, 16, 200, 80, 1e-6, 0.5));
        assertRejected("img_size[0] (frames) 201 is not a multiple of patch_size[0]",
                () -> new SsamConfig(32, 2, 8, 3, 2, 4, 4, 16, 201, 80, 1e-6, 0.5));
        assertRejected("img_size[1] (melBins) 80 is not a multiple of patch_size[1] (patchBins) 15",
                () -> new SsamConfig(32, 2, 8, 3, 2, 4, 4, 15, 200, 80, 1e-6, 0.5));
        assertRejected("norm_epsilon", () -> new SsamConfig(32, 2, 8, 3, 2, 4, 4, 16, 200, 80, 0, 0.5));
        assertRejected("norm_epsilon", () -> new SsamConfig(32, 2, 8, 3, 2, 4, 4, 16, 200, 80, Double.NaN, 0.5));
        assertRejected("mask_ratio", () -> new SsamConfig(32, 2, 8, 3, 2, 4, 4, 16, 200, 80, 1e-6, 1.0));
        assertRejected("mask_ratio", () -> new SsamConfig(32, 2, 8, 3, 2, 4, 4, 16, 200, 80, 1e-6, -0.1));
        assertRejected("2^31", () -> new SsamConfig(65536, 1, 8, 3, 2, 4, 4, 16, 200, 80, 1e-6, 0.5));
    }

    @Test
    void rejectsBadJsonNamingTheKey() {
        assertRejected("unknown key 'embeddim'", () -> SsamConfig.fromJson("{\"embeddim\": 192, \"depth\": 12}"));
        assertRejected("unknown key 'ssm_kwargs.dstate'",
                () -> SsamConfig.fromJson("{\"embed_dim\": 192, \"depth\": 12, \"ssm_kwargs\": {\"dstate\": 4}}"));
        assertRejected("required key 'depth'", () -> SsamConfig.fromJson("{\"embed_dim\": 192}"));
        assertRejected("'depth' is 2.5, expected an integer", () -> SsamConfig.fromJson("{\"embed_dim\": 192, \"depth\": 2.5}"));
        assertRejected("frequency_first", () -> SsamConfig.fromJson("{\"embed_dim\": 192, \"depth\": 1, \"frequency_first\": true}"));
        assertRejected("'img_size'", () -> SsamConfig.fromJson("{\"embed_dim\": 192, \"depth\": 1, \"img_size\": [200]}"));
        assertRejected("JSON", () -> SsamConfig.fromJson("{\"embed_dim\": 192,"));
    }

    @Test
    void inferFromShapesReadsEveryDimension() throws Exception {
        SsamConfig c = new SsamConfig(48, 3, 5, 2, 7, 3, 2, 8, 100, 80, 1e-6, 0.5);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        ParamNames.specs(c).forEach(s -> shapes.put(s.name(), s.shape()));
        assertEquals(c, SsamConfig.inferFromShapes(Path.of("x.safetensors"), shapes));
    }

    @Test
    void inferFromShapesNamesTheMissingTensorAndFile() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        ParamNames.specs(SsamConfig.micro()).forEach(s -> shapes.put(s.name(), s.shape()));
        shapes.remove("patch_embed.proj.weight");
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> SsamConfig.inferFromShapes(Path.of("w.safetensors"), shapes));
        assertTrue(e.getMessage().startsWith("w.safetensors: ") && e.getMessage().contains("'patch_embed.proj.weight' is missing"),
                e.getMessage());
    }

    @Test
    void inferFromShapesRejectsGapsInBlockNumbers() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        ParamNames.specs(SsamConfig.micro()).forEach(s -> shapes.put(s.name().replace("blocks.1.", "blocks.2."), s.shape()));
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> SsamConfig.inferFromShapes(Path.of("w.safetensors"), shapes));
        assertTrue(e.getMessage().contains("block numbers [0, 2]"), e.getMessage());
    }

    private static void assertRejected(String fragment, org.junit.jupiter.api.function.Executable body) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, body);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
