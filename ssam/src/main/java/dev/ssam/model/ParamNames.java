package dev.ssam.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight-name table: the official name and shape of every tensor of an SSAM model, the one
 * place where tensors are keyed by strings (STYLE.md). Names are those of audio-mamba-official's
 * {@code MambaSSAST} state dict and of the released checkpoints; the order is its registration order
 * (globals, then blocks 0..depth-1), which is the order of {@code state_dict()} and of
 * {@link SsamParams#named()}.
 *
 * <p>Shapes use D = dModel, E = dInner, N = dState, R = dtRank, K = dConv, P = numPatches,
 * Q = patchDim, pf x pb = patch size.
 *
 * <pre>{@code
 * for (ParamSpec s : ParamNames.specs(SsamConfig.micro())) {
 *     // blocks.0.mixer.A_log [96, 8] decay ...
 * }
 * }</pre>
 */
public final class ParamNames {
    /** Every block tensor's name starts with this, then the block number: {@code blocks.3.norm.weight}. */
    public static final String BLOCKS_PREFIX = "blocks.";

    private ParamNames() {
    }

    /** Tensors outside the blocks, in registration order. */
    public enum Global {
        /** (1, 1, D). */
        CLS_TOKEN("cls_token"),
        /** (1, 1 + P, D), fixed sine-cosine, not trained. */
        POS_EMBED("pos_embed"),
        /** (1, 1, D). */
        MASK_TOKEN("mask_token"),
        /** (D, 1, pf, pb): the Conv2d patch embedding. */
        PATCH_EMBED_W("patch_embed.proj.weight"),
        /** (D). */
        PATCH_EMBED_B("patch_embed.proj.bias"),
        /** (D). */
        ENCODER_NORM_W("encoder_norm.weight"),
        /** (D). */
        ENCODER_NORM_B("encoder_norm.bias"),
        /** (D, D): first Linear of the prediction head. */
        PRED0_W("pred.0.weight"),
        /** (D). */
        PRED0_B("pred.0.bias"),
        /** (Q, D): second Linear of the prediction head. */
        PRED2_W("pred.2.weight"),
        /** (Q). */
        PRED2_B("pred.2.bias");

        private final String key;

        Global(String key) {
            this.key = key;
        }

        /** The official name. */
        public String key() {
            return key;
        }

        /** The official shape under {@code c}. */
        public int[] shape(SsamConfig c) {
            int d = c.dModel();
            return switch (this) {
                case CLS_TOKEN, MASK_TOKEN -> new int[] {1, 1, d};
                case POS_EMBED -> new int[] {1, c.seqLen(), d};
                case PATCH_EMBED_W -> new int[] {d, 1, c.patchFrames(), c.patchBins()};
                case PATCH_EMBED_B, ENCODER_NORM_W, ENCODER_NORM_B, PRED0_B -> new int[] {d};
                case PRED0_W -> new int[] {d, d};
                case PRED2_W -> new int[] {c.patchDim(), d};
                case PRED2_B -> new int[] {c.patchDim()};
            };
        }

        /** Whether the optimiser updates it ({@code pos_embed} is fixed). */
        public boolean trainable() {
            return this != POS_EMBED;
        }
    }

    /** Tensors of block i, named {@code blocks.i.<suffix>}, in registration order. */
    public enum Block {
        /** (E, N): A = -exp(A_log). */
        A_LOG("mixer.A_log"),
        /** (E): skip connection D. */
        D("mixer.D"),
        /** (2E, D): W_in. */
        IN_PROJ_W("mixer.in_proj.weight"),
        /** (E, 1, K): depthwise conv kernel. */
        CONV1D_W("mixer.conv1d.weight"),
        /** (E). */
        CONV1D_B("mixer.conv1d.bias"),
        /** (R + 2N, E): W_x. */
        X_PROJ_W("mixer.x_proj.weight"),
        /** (E, R): W_dt. */
        DT_PROJ_W("mixer.dt_proj.weight"),
        /** (E): dt bias, added inside softplus. */
        DT_PROJ_B("mixer.dt_proj.bias"),
        /** (D, E): W_out. */
        OUT_PROJ_W("mixer.out_proj.weight"),
        /** (D): the block's pre-mixer LayerNorm. */
        NORM_W("norm.weight"),
        /** (D). */
        NORM_B("norm.bias");

        private final String suffix;

        Block(String suffix) {
            this.suffix = suffix;
        }

        /** The name after {@code blocks.i.}, e.g. {@code mixer.A_log}. */
        public String suffix() {
            return suffix;
        }

        /** The official name in block {@code block}. */
        public String key(int block) {
            return BLOCKS_PREFIX + block + "." + suffix;
        }

        /** The official shape under {@code c}. */
        public int[] shape(SsamConfig c) {
            int d = c.dModel();
            int e = c.dInner();
            return switch (this) {
                case A_LOG -> new int[] {e, c.dState()};
                case D, CONV1D_B, DT_PROJ_B -> new int[] {e};
                case IN_PROJ_W -> new int[] {2 * e, d};
                case CONV1D_W -> new int[] {e, 1, c.dConv()};
                case X_PROJ_W -> new int[] {c.dtRank() + 2 * c.dState(), e};
                case DT_PROJ_W -> new int[] {e, c.dtRank()};
                case OUT_PROJ_W -> new int[] {d, e};
                case NORM_W, NORM_B -> new int[] {d};
            };
        }
    }

    /** Every tensor of a model with configuration {@code c}, in official order. */
    public static List<ParamSpec> specs(SsamConfig c) {
        List<ParamSpec> out = new ArrayList<>(Global.values().length + c.depth() * Block.values().length);
        for (Global g : Global.values()) {
            out.add(ParamSpec.of(g.key(), g.shape(c), g.trainable()));
        }
        for (int i = 0; i < c.depth(); i++) {
            for (Block b : Block.values()) {
                out.add(ParamSpec.of(b.key(i), b.shape(c), true));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** {@link #specs} keyed by name (insertion order = official order). */
    public static Map<String, ParamSpec> table(SsamConfig c) {
        Map<String, ParamSpec> m = new LinkedHashMap<>();
        for (ParamSpec s : specs(c)) {
            m.put(s.name(), s);
        }
        return Collections.unmodifiableMap(m);
    }
}
