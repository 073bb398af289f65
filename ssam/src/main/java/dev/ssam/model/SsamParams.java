package dev.ssam.model;

import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tensor of an SSAM model, typed for the forward pass, plus the official-name view
 * {@link #named()} for writing checkpoints and for the optimiser. The same class holds gradients and
 * optimiser moments ({@link #zeros}).
 *
 * <p>The typed components are views: {@code patchEmbedW} (D, Q) shares its data with the official
 * {@code patch_embed.proj.weight} (D, 1, pf, pb), {@code clsToken} (D) with {@code cls_token}
 * (1, 1, D), and so on; writing through either is seen by the other. Instances made by the factories
 * here ({@link #zeros}, {@link #fromNamed}, {@link #copy}) keep all tensors back to back in one
 * buffer, in official order, so {@link #flat()} sees the whole model as one vector.
 *
 * <pre>{@code
 * SsamParams p = SsamWeights.load(Path.of("micro.safetensors"));
 * Tensor w = p.blocks().get(0).inProj();       // (2E, D)
 * SsamParams grads = SsamParams.zeros(p.config());
 * grads.flat().fill(0f);
 * }</pre>
 *
 * @param config       the architecture
 * @param clsToken     (D) class token, {@code cls_token}
 * @param posEmbed     (L, D) fixed position embedding, {@code pos_embed}; row 0 belongs to the class token
 * @param maskToken    (D) {@code mask_token}
 * @param patchEmbedW  (D, Q) patch embedding, {@code patch_embed.proj.weight}; column i pb + j for
 *                     time offset i and bin offset j
 * @param patchEmbedB  (D) {@code patch_embed.proj.bias}
 * @param encoderNormW (D) final LayerNorm weight, {@code encoder_norm.weight}
 * @param encoderNormB (D) {@code encoder_norm.bias}
 * @param pred0W       (D, D) head Linear 1, {@code pred.0.weight}
 * @param pred0B       (D) {@code pred.0.bias}
 * @param pred2W       (Q, D) head Linear 2, {@code pred.2.weight}
 * @param pred2B       (Q) {@code pred.2.bias}
 * @param blocks       the depth blocks, block i named {@code blocks.i.*}
 */
public record SsamParams(SsamConfig config, Tensor clsToken, Tensor posEmbed, Tensor maskToken,
                         Tensor patchEmbedW, Tensor patchEmbedB, Tensor encoderNormW, Tensor encoderNormB,
                         Tensor pred0W, Tensor pred0B, Tensor pred2W, Tensor pred2B, List<BlockParams> blocks) {

    public SsamParams {
        if (config == null) {
            throw new IllegalArgumentException("SsamParams: config is null");
        }
        if (blocks == null || blocks.size() != config.depth()) {
            throw new IllegalArgumentException("SsamParams: " + (blocks == null ? "no" : blocks.size())
                    + " blocks, expected depth " + config.depth());
        }
        blocks = List.copyOf(blocks);
        require(config, ParamNames.Global.CLS_TOKEN, clsToken);
        require(config, ParamNames.Global.POS_EMBED, posEmbed);
        require(config, ParamNames.Global.MASK_TOKEN, maskToken);
        require(config, ParamNames.Global.PATCH_EMBED_W, patchEmbedW);
        require(config, ParamNames.Global.PATCH_EMBED_B, patchEmbedB);
        require(config, ParamNames.Global.ENCODER_NORM_W, encoderNormW);
        require(config, ParamNames.Global.ENCODER_NORM_B, encoderNormB);
        require(config, ParamNames.Global.PRED0_W, pred0W);
        require(config, ParamNames.Global.PRED0_B, pred0B);
        require(config, ParamNames.Global.PRED2_W, pred2W);
        require(config, ParamNames.Global.PRED2_B, pred2B);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).check(config, i);
        }
    }

    private static void require(SsamConfig c, ParamNames.Global g, Tensor t) {
        Shapes.require("SsamParams", g.key(), t, null, typedShape(g, c));
    }

    /** The typed shape of {@code g} (tokens as (D), pos_embed as (L, D), the patch kernel as (D, Q)). */
    static int[] typedShape(ParamNames.Global g, SsamConfig c) {
        return switch (g) {
            case CLS_TOKEN, MASK_TOKEN -> new int[] {c.dModel()};
            case POS_EMBED -> new int[] {c.seqLen(), c.dModel()};
            case PATCH_EMBED_W -> new int[] {c.dModel(), c.patchDim()};
            default -> g.shape(c);
        };
    }

    /** The typed view of {@code g}. */
    public Tensor tensor(ParamNames.Global g) {
        return switch (g) {
            case CLS_TOKEN -> clsToken;
            case POS_EMBED -> posEmbed;
            case MASK_TOKEN -> maskToken;
            case PATCH_EMBED_W -> patchEmbedW;
            case PATCH_EMBED_B -> patchEmbedB;
            case ENCODER_NORM_W -> encoderNormW;
            case ENCODER_NORM_B -> encoderNormB;
            case PRED0_W -> pred0W;
            case PRED0_B -> pred0B;
            case PRED2_W -> pred2W;
            case PRED2_B -> pred2B;
        };
    }

    /** All tensors, zero-filled, back to back in one buffer. */
    public static SsamParams zeros(SsamConfig config) {
        return over(config, new float[numParams(config)]);
    }

    /** Views over {@code data} (official order, official sizes), which must hold exactly the model. */
    private static SsamParams over(SsamConfig c, float[] data) {
        int[] at = {0};
        Map<ParamNames.Global, Tensor> g = new EnumMap<>(ParamNames.Global.class);
        for (ParamNames.Global k : ParamNames.Global.values()) {
            g.put(k, take(data, at, typedShape(k, c)));
        }
        List<BlockParams> blocks = new ArrayList<>(c.depth());
        for (int i = 0; i < c.depth(); i++) {
            Map<ParamNames.Block, Tensor> b = new EnumMap<>(ParamNames.Block.class);
            for (ParamNames.Block k : ParamNames.Block.values()) {
                b.put(k, take(data, at, BlockParams.typedShape(k, c)));
            }
            blocks.add(BlockParams.of(b::get));
        }
        return new SsamParams(c, g.get(ParamNames.Global.CLS_TOKEN), g.get(ParamNames.Global.POS_EMBED),
                g.get(ParamNames.Global.MASK_TOKEN), g.get(ParamNames.Global.PATCH_EMBED_W),
                g.get(ParamNames.Global.PATCH_EMBED_B), g.get(ParamNames.Global.ENCODER_NORM_W),
                g.get(ParamNames.Global.ENCODER_NORM_B), g.get(ParamNames.Global.PRED0_W),
                g.get(ParamNames.Global.PRED0_B), g.get(ParamNames.Global.PRED2_W),
                g.get(ParamNames.Global.PRED2_B), blocks);
    }

    private static Tensor take(float[] data, int[] at, int[] shape) {
        Tensor t = Tensor.view(data, at[0], shape);
        at[0] += t.size();
        return t;
    }

    /**
     * Copies tensors given by official name and official shape into a new instance.
     *
     * @throws IllegalArgumentException naming the first missing, unexpected or wrongly shaped tensor
     */
    public static SsamParams fromNamed(SsamConfig config, Map<String, Tensor> named) {
        Map<String, ParamSpec> table = ParamNames.table(config);
        for (String name : named.keySet()) {
            if (!table.containsKey(name)) {
                throw new IllegalArgumentException("SsamParams: unexpected tensor '" + name
                        + "' (not part of an SSAM model with depth " + config.depth() + ")");
            }
        }
        SsamParams p = zeros(config);
        Map<String, Tensor> dst = p.named();
        for (ParamSpec s : table.values()) {
            Tensor t = named.get(s.name());
            if (t == null) {
                throw new IllegalArgumentException("SsamParams: missing tensor '" + s.name() + "' (expected shape "
                        + Arrays.toString(s.shape()) + ")");
            }
            if (!t.hasShape(s.shape())) {
                throw new IllegalArgumentException("SsamParams: tensor '" + s.name() + "' is " + t.shapeString()
                        + ", expected " + Arrays.toString(s.shape()));
            }
            dst.get(s.name()).copyFrom(t);
        }
        return p;
    }

    /**
     * Every tensor by official name, in official order, with its official shape (views on the
     * typed tensors: no copy).
     */
    public Map<String, Tensor> named() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (ParamNames.Global g : ParamNames.Global.values()) {
            Tensor t = tensor(g);
            m.put(g.key(), Tensor.view(t.storage(), t.offset(), g.shape(config)));   // a view: no device sync
        }
        for (int i = 0; i < blocks.size(); i++) {
            for (ParamNames.Block b : ParamNames.Block.values()) {
                Tensor t = blocks.get(i).tensor(b);
                m.put(b.key(i), Tensor.view(t.storage(), t.offset(), b.shape(config)));
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The specs of {@link #named()}, same order. */
    public List<ParamSpec> specs() {
        return ParamNames.specs(config);
    }

    /** Number of scalars in a model with configuration {@code c} (tiny: 4,808,704). */
    public static int numParams(SsamConfig c) {
        long n = 0;
        for (ParamSpec s : ParamNames.specs(c)) {
            n += s.size();
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("SsamParams: " + n + " parameters exceed one Java array");
        }
        return (int) n;
    }

    /**
     * The whole model as one (numParams) view, official order.
     *
     * @throws IllegalStateException if the tensors are not back to back in one buffer (an instance
     *                               built with the canonical constructor from separate tensors)
     */
    public Tensor flat() {
        float[] data = clsToken.storage();   // identity only: device copies stay current
        int start = clsToken.offset();
        int at = start;
        for (Tensor t : named().values()) {
            if (t.storage() != data || t.offset() != at) {
                throw new IllegalStateException("SsamParams.flat: tensors are not contiguous in one buffer;"
                        + " use SsamParams.copy() first");
            }
            at += t.size();
        }
        return Tensor.view(data, start, at - start);
    }

    /** A deep copy, back to back in one new buffer. */
    public SsamParams copy() {
        SsamParams p = zeros(config);
        Map<String, Tensor> dst = p.named();
        for (Map.Entry<String, Tensor> e : named().entrySet()) {
            dst.get(e.getKey()).copyFrom(e.getValue());
        }
        return p;
    }
}
