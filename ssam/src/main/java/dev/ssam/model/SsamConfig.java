package dev.ssam.model;

import it.unimi.dsi.fastutil.ints.IntRBTreeSet;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Json;
import dev.ssam.runtime.io.Safetensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Architecture of an SSAM encoder and its masked-patch prediction head (SSAM-SPEC sections 2, 3, 5).
 *
 * <p>The components are the free choices; every other size is a pure function of them, validated
 * once by the compact constructor: {@link #dInner()} E = expand D, {@link #gridFrames()} = frames /
 * patchFrames (50), {@link #gridBins()} = melBins / patchBins (5), {@link #numPatches()} P (250),
 * {@link #seqLen()} L = P + 1 (251, class token first), {@link #patchDim()} = patchFrames patchBins
 * (64). dtRank R is a component because mamba_ssm accepts an explicit value; {@link #autoDtRank}
 * gives its {@code "auto"} default ceil(D / 16).
 *
 * <p>JSON ({@link #toJson()}, {@link #fromJson}) uses the official names: {@code embed_dim},
 * {@code depth}, {@code img_size} [frames, mel bins] and {@code patch_size} [frames, bins] (the
 * {@code model_args} of audio-mamba-official's {@code configs/ssam_*_200_16x4.py}, time first because
 * {@code frequency_first} is false), {@code ssm_kwargs} {@code {d_state, d_conv, expand, dt_rank}}
 * (the mamba_ssm {@code Mamba} keyword arguments; {@code dt_rank} may be {@code "auto"}),
 * {@code norm_epsilon} and {@code mask_ratio}. {@code frequency_first} is written as {@code false} and
 * only {@code false} is accepted.
 *
 * <pre>{@code
 * SsamConfig c = SsamConfig.tiny();          // D 192, 12 blocks, N 24, E 576, R 12
 * String json = c.toJson();
 * SsamConfig same = SsamConfig.fromJson(json);
 * }</pre>
 *
 * @param dModel      D, model width (a multiple of 4: the 2-D sine-cosine embedding splits it in four)
 * @param depth       number of Mamba blocks
 * @param dState      N, SSM state size per channel
 * @param expand      E / D
 * @param dtRank      R, rank of the delta projection
 * @param dConv       K, depthwise causal convolution kernel width
 * @param patchFrames frames per patch (4)
 * @param patchBins   mel bins per patch (16)
 * @param frames      T, frames per input window (200)
 * @param melBins     F, mel bins (80)
 * @param normEps     LayerNorm epsilon (1e-6)
 * @param maskRatio   fraction of patches masked in pretraining (0.5)
 */
public record SsamConfig(int dModel, int depth, int dState, int expand, int dtRank, int dConv,
                         int patchFrames, int patchBins, int frames, int melBins, double normEps, double maskRatio) {

    /** Named presets: the released sizes plus the two small test models. */
    public enum Preset {
        /** The golden micro model: D 32, 2 blocks, N 8 (golden/micro.safetensors). */
        MICRO,
        /**
         * D 64, 4 blocks, N 16 (E 192, R 4, about 0.21 M weights): small enough to pretrain on two CPU
         * cores in minutes, with the released block structure (expand 3, d_conv 4). N 16 instead of
         * 24 keeps the sequential scan, the slowest part on CPU, cheap.
         */
        NANO,
        /** SSAM-Tiny: D 192, 12 blocks, N 24. */
        TINY,
        /** SSAM-Small: D 384, 12 blocks, N 24. */
        SMALL,
        /** SSAM-Base: D 768, 12 blocks, N 24. */
        BASE;

        /** The configuration of this preset. */
        public SsamConfig config() {
            return switch (this) {
                case MICRO -> of(32, 2, 8);
                case NANO -> of(64, 4, 16);
                case TINY -> of(192, 12, 24);
                case SMALL -> of(384, 12, 24);
                case BASE -> of(768, 12, 24);
            };
        }
    }

    private static final Set<String> TOP_KEYS = Set.of("embed_dim", "depth", "img_size", "patch_size",
            "ssm_kwargs", "norm_epsilon", "mask_ratio", "frequency_first");
    private static final Set<String> SSM_KEYS = Set.of("d_state", "d_conv", "expand", "dt_rank");

    public SsamConfig {
        positive("embed_dim (dModel)", dModel);
        if (dModel % 4 != 0) {
            throw new IllegalArgumentException("SsamConfig: embed_dim (dModel) is " + dModel
                    + ", expected a multiple of 4 (the 2-D sine-cosine position embedding uses D/4 per axis)");
        }
        positive("depth", depth);
        positive("d_state (dState)", dState);
        positive("expand", expand);
        positive("dt_rank (dtRank)", dtRank);
        positive("d_conv (dConv)", dConv);
        positive("patch_size[0] (patchFrames)", patchFrames);
        positive("patch_size[1] (patchBins)", patchBins);
        positive("img_size[0] (frames)", frames);
        positive("img_size[1] (melBins)", melBins);
        if (frames % patchFrames != 0) {
            throw new IllegalArgumentException("SsamConfig: img_size[0] (frames) " + frames
                    + " is not a multiple of patch_size[0] (patchFrames) " + patchFrames);
        }
        if (melBins % patchBins != 0) {
            throw new IllegalArgumentException("SsamConfig: img_size[1] (melBins) " + melBins
                    + " is not a multiple of patch_size[1] (patchBins) " + patchBins);
        }
        if (!(normEps > 0) || !Double.isFinite(normEps)) {
            throw new IllegalArgumentException("SsamConfig: norm_epsilon is " + normEps + ", expected a finite value > 0");
        }
        if (!(maskRatio >= 0 && maskRatio < 1)) {
            throw new IllegalArgumentException("SsamConfig: mask_ratio is " + maskRatio + ", expected 0 <= ratio < 1");
        }
        long e = (long) expand * dModel;
        long widest = Math.max(2 * e * dModel, (long) frames / patchFrames * (melBins / patchBins) * dModel);
        if (e > Integer.MAX_VALUE / 4 || widest > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("SsamConfig: embed_dim " + dModel + " x expand " + expand
                    + " gives tensors over 2^31 elements");
        }
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("SsamConfig: " + what + " is " + value + ", expected a positive value");
        }
    }

    /**
     * A model with the released block structure (expand 3, d_conv 4, dt_rank auto), 4 x 16 patches
     * over 200 x 80 log-mels, LayerNorm eps 1e-6 and mask ratio 0.5.
     */
    public static SsamConfig of(int dModel, int depth, int dState) {
        return new SsamConfig(dModel, depth, dState, 3, autoDtRank(dModel), 4, 4, 16, 200, 80, 1e-6, 0.5);
    }

    /** mamba_ssm's {@code dt_rank="auto"}: ceil(D / 16). */
    public static int autoDtRank(int dModel) {
        return (dModel + 15) / 16;
    }

    public static SsamConfig micro() {
        return Preset.MICRO.config();
    }

    public static SsamConfig nano() {
        return Preset.NANO.config();
    }

    public static SsamConfig tiny() {
        return Preset.TINY.config();
    }

    public static SsamConfig small() {
        return Preset.SMALL.config();
    }

    public static SsamConfig base() {
        return Preset.BASE.config();
    }

    /** E = expand D. */
    public int dInner() {
        return expand * dModel;
    }

    /** Patches along time: frames / patchFrames (50). */
    public int gridFrames() {
        return frames / patchFrames;
    }

    /** Patches along frequency: melBins / patchBins (5). */
    public int gridBins() {
        return melBins / patchBins;
    }

    /** P = gridFrames gridBins (250). */
    public int numPatches() {
        return gridFrames() * gridBins();
    }

    /** L = P + 1: the class token and the patches (251). */
    public int seqLen() {
        return numPatches() + 1;
    }

    /** Values per patch, patchFrames patchBins (64). */
    public int patchDim() {
        return patchFrames * patchBins;
    }

    /** Width of one output frame of forward_features: gridBins D (960 for tiny). */
    public int featureDim() {
        return gridBins() * dModel;
    }

    /**
     * Patches kept visible per clip when masking, exactly as the official
     * {@code int(L * (100 - mask_ratio * 100) / 100)} (125 for ratio 0.5).
     */
    public int numKept() {
        return (int) (numPatches() * (100 - maskRatio * 100) / 100);
    }

    /** The preset this configuration equals, or {@code "custom"}. */
    public String presetName() {
        for (Preset p : Preset.values()) {
            if (p.config().equals(this)) {
                return p.name().toLowerCase(java.util.Locale.ROOT);
            }
        }
        return "custom";
    }

    /** One line for logs and messages: {@code micro: D 32, depth 2, N 8, E 96, R 2, K 4, patch 4x16, input 200x80}. */
    public String summary() {
        return presetName() + ": D " + dModel + ", depth " + depth + ", N " + dState + ", E " + dInner() + ", R " + dtRank
                + ", K " + dConv + ", patch " + patchFrames + "x" + patchBins + ", input " + frames + "x" + melBins;
    }

    /** The official-key JSON object (see the class comment), one line. */
    public String toJson() {
        Map<String, Object> ssm = new LinkedHashMap<>();
        ssm.put("d_state", dState);
        ssm.put("d_conv", dConv);
        ssm.put("expand", expand);
        ssm.put("dt_rank", dtRank);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("embed_dim", dModel);
        m.put("depth", depth);
        m.put("img_size", new int[] {frames, melBins});
        m.put("patch_size", new int[] {patchFrames, patchBins});
        m.put("frequency_first", Boolean.FALSE);
        m.put("ssm_kwargs", ssm);
        m.put("norm_epsilon", normEps);
        m.put("mask_ratio", maskRatio);
        return Json.write(m);
    }

    /**
     * Parses {@link #toJson()} output or a hand-written config. {@code embed_dim} and {@code depth}
     * are required; every other key defaults as in {@link #of}. Unknown keys are rejected (they are
     * usually typos).
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public static SsamConfig fromJson(String json) {
        Map<String, Object> m = Json.parseObject(json);
        rejectUnknown(m.keySet(), TOP_KEYS, "");
        if (m.containsKey("frequency_first") && !Boolean.FALSE.equals(m.get("frequency_first"))) {
            throw new IllegalArgumentException("SsamConfig JSON: frequency_first is " + m.get("frequency_first")
                    + "; only false (time-major input, as the released SSAM models) is supported");
        }
        int d = intValue(m, "embed_dim", null);
        int depth = intValue(m, "depth", null);
        int[] img = pair(m, "img_size", 200, 80);
        int[] patch = pair(m, "patch_size", 4, 16);
        Map<String, Object> ssm = Map.of();
        if (m.containsKey("ssm_kwargs")) {
            if (!(m.get("ssm_kwargs") instanceof Map<?, ?> raw)) {
                throw new IllegalArgumentException("SsamConfig JSON: ssm_kwargs is " + m.get("ssm_kwargs")
                        + ", expected an object");
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            raw.forEach((k, v) -> copy.put(String.valueOf(k), v));
            rejectUnknown(copy.keySet(), SSM_KEYS, "ssm_kwargs.");
            ssm = copy;
        }
        int dtRank = "auto".equals(ssm.get("dt_rank")) ? autoDtRank(d) : intValue(ssm, "dt_rank", autoDtRank(d));
        return new SsamConfig(d, depth, intValue(ssm, "d_state", 24), intValue(ssm, "expand", 3), dtRank,
                intValue(ssm, "d_conv", 4), patch[0], patch[1], img[0], img[1],
                doubleValue(m, "norm_epsilon", 1e-6), doubleValue(m, "mask_ratio", 0.5));
    }

    private static void rejectUnknown(Set<String> keys, Set<String> known, String prefix) {
        for (String k : keys) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("SsamConfig JSON: unknown key '" + prefix + k + "' (known: "
                        + new TreeSet<>(known) + ")");
            }
        }
    }

    private static int intValue(Map<String, Object> m, String key, Integer fallback) {
        Object v = m.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("SsamConfig JSON: required key '" + key + "' is missing");
            }
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw new IllegalArgumentException("SsamConfig JSON: '" + key + "' is " + v + ", expected an integer");
    }

    private static double doubleValue(Map<String, Object> m, String key, double fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("SsamConfig JSON: '" + key + "' is " + v + ", expected a number");
    }

    private static int[] pair(Map<String, Object> m, String key, int first, int second) {
        Object v = m.get(key);
        if (v == null) {
            return new int[] {first, second};
        }
        if (v instanceof List<?> l && l.size() == 2) {
            Map<String, Object> items = new LinkedHashMap<>();
            items.put(key + "[0]", l.get(0));
            items.put(key + "[1]", l.get(1));
            return new int[] {intValue(items, key + "[0]", null), intValue(items, key + "[1]", null)};
        }
        throw new IllegalArgumentException("SsamConfig JSON: '" + key + "' is " + v + ", expected [frames, melBins]");
    }

    /**
     * Infers the architecture from the tensor shapes of a weights file, so {@code --model
     * micro.safetensors} needs no separate config. See {@link #inferFromShapes}.
     */
    public static SsamConfig inferFrom(Safetensors weights) throws FileFormatException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String name : weights.names()) {
            shapes.put(name, weights.entry(name).shape());
        }
        return inferFromShapes(weights.path(), shapes);
    }

    /**
     * Infers D, depth, N, E (hence expand), R and K from official tensor shapes: D and the patch size
     * from {@code patch_embed.proj.weight} (D, 1, patchFrames, patchBins); P from {@code pos_embed}
     * (1, 1 + P, D), with 80 mel bins assumed (the front end is fixed) so frames = P / (80 /
     * patchBins) patchFrames; depth from the {@code blocks.i.} prefixes, which must run 0..depth-1;
     * E from {@code in_proj.weight} (2E, D), N from {@code A_log} (E, N), R from {@code dt_proj.weight}
     * (E, R), K from {@code conv1d.weight} (E, 1, K), all of block 0. LayerNorm eps and mask ratio
     * take their defaults. Only the tensors named here are read; checking every tensor is
     * {@link SsamWeights}' job.
     *
     * @param source the file the shapes come from, for messages
     * @throws FileFormatException naming the file and the tensor that is missing or malformed
     */
    public static SsamConfig inferFromShapes(Path source, Map<String, int[]> shapes) throws FileFormatException {
        int[] pe = shapeOf(source, shapes, ParamNames.Global.PATCH_EMBED_W.key(), 4);
        int[] pos = shapeOf(source, shapes, ParamNames.Global.POS_EMBED.key(), 3);
        int d = pe[0];
        int melBins = 80;
        if (pe[3] <= 0 || melBins % pe[3] != 0) {
            throw new FileFormatException(source, "cannot infer the SSAM config: patch_embed.proj.weight has patch width "
                    + pe[3] + ", which does not divide " + melBins + " mel bins");
        }
        int gridBins = melBins / pe[3];
        int patches = pos[1] - 1;
        if (patches <= 0 || patches % gridBins != 0) {
            throw new FileFormatException(source, "cannot infer the SSAM config: pos_embed has " + pos[1]
                    + " rows, expected 1 + a multiple of " + gridBins + " patches");
        }
        int depth = countBlocks(source, shapes.keySet());
        int[] inProj = shapeOf(source, shapes, ParamNames.Block.IN_PROJ_W.key(0), 2);
        int[] aLog = shapeOf(source, shapes, ParamNames.Block.A_LOG.key(0), 2);
        int[] dtProj = shapeOf(source, shapes, ParamNames.Block.DT_PROJ_W.key(0), 2);
        int[] conv = shapeOf(source, shapes, ParamNames.Block.CONV1D_W.key(0), 3);
        int e = inProj[0] / 2;
        if (d <= 0 || inProj[0] % 2 != 0 || e % d != 0) {
            throw new FileFormatException(source, "cannot infer the SSAM config: " + ParamNames.Block.IN_PROJ_W.key(0)
                    + " has " + inProj[0] + " rows, expected 2E with E a multiple of D = " + d);
        }
        try {
            return new SsamConfig(d, depth, aLog[1], e / d, dtProj[1], conv[2], pe[2], pe[3],
                    patches / gridBins * pe[2], melBins, 1e-6, 0.5);
        } catch (IllegalArgumentException ex) {
            throw new FileFormatException(source, "cannot infer the SSAM config from tensor shapes: " + ex.getMessage(), ex);
        }
    }

    private static int[] shapeOf(Path source, Map<String, int[]> shapes, String name, int rank) throws FileFormatException {
        int[] s = shapes.get(name);
        if (s == null) {
            throw new FileFormatException(source, "cannot infer the SSAM config: tensor '" + name
                    + "' is missing (is this an SSAM checkpoint with the official names?)");
        }
        if (s.length != rank) {
            throw new FileFormatException(source, "cannot infer the SSAM config: tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(s) + ", expected rank " + rank);
        }
        return s;
    }

    private static int countBlocks(Path source, Set<String> names) throws FileFormatException {
        IntRBTreeSet blocks = new IntRBTreeSet();
        for (String n : names) {
            if (n.startsWith(ParamNames.BLOCKS_PREFIX)) {
                int from = ParamNames.BLOCKS_PREFIX.length();
                int dot = n.indexOf('.', from);
                try {
                    blocks.add(Integer.parseInt(n.substring(from, dot < 0 ? n.length() : dot)));
                } catch (NumberFormatException ex) {
                    throw new FileFormatException(source, "cannot infer the SSAM config: tensor '" + n
                            + "' has no block number after 'blocks.'");
                }
            }
        }
        if (blocks.isEmpty()) {
            throw new FileFormatException(source, "cannot infer the SSAM config: no 'blocks.i.' tensors");
        }
        if (blocks.firstInt() != 0 || blocks.lastInt() != blocks.size() - 1) {
            throw new FileFormatException(source, "cannot infer the SSAM config: block numbers " + java.util.Arrays.toString(blocks.toIntArray())
                    + " do not run 0.." + (blocks.size() - 1));
        }
        return blocks.size();
    }
}
