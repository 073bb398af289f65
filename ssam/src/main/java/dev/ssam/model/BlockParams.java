package dev.ssam.model;

import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * The tensors of one encoder block (LayerNorm then Mamba mixer, SSAM-SPEC section 3), in the
 * layouts the forward pass uses. Each is a view on the same data as the official tensor named
 * {@code blocks.i.<ParamNames.Block suffix>}; only {@link #convW} differs in shape from the official
 * (E, 1, K).
 *
 * @param normW   (D) LayerNorm weight, {@code norm.weight}
 * @param normB   (D) LayerNorm bias, {@code norm.bias}
 * @param inProj  (2E, D) W_in, {@code mixer.in_proj.weight}; rows [0, E) give x, [E, 2E) give z
 * @param convW   (E, K) depthwise causal conv kernel, {@code mixer.conv1d.weight} (E, 1, K)
 * @param convB   (E) conv bias, {@code mixer.conv1d.bias}
 * @param xProj   (R + 2N, E) W_x, {@code mixer.x_proj.weight}; rows: dt_raw [0, R), B [R, R+N), C [R+N, R+2N)
 * @param dtProjW (E, R) W_dt, {@code mixer.dt_proj.weight}
 * @param dtProjB (E) dt bias, {@code mixer.dt_proj.bias} (added inside the softplus)
 * @param aLog    (E, N) A_log, {@code mixer.A_log}; A = -exp(A_log)
 * @param d       (E) skip weight D, {@code mixer.D}
 * @param outProj (D, E) W_out, {@code mixer.out_proj.weight}
 */
public record BlockParams(Tensor normW, Tensor normB, Tensor inProj, Tensor convW, Tensor convB, Tensor xProj,
                          Tensor dtProjW, Tensor dtProjB, Tensor aLog, Tensor d, Tensor outProj) {

    /** The typed view of {@code b}. */
    public Tensor tensor(ParamNames.Block b) {
        return switch (b) {
            case A_LOG -> aLog;
            case D -> d;
            case IN_PROJ_W -> inProj;
            case CONV1D_W -> convW;
            case CONV1D_B -> convB;
            case X_PROJ_W -> xProj;
            case DT_PROJ_W -> dtProjW;
            case DT_PROJ_B -> dtProjB;
            case OUT_PROJ_W -> outProj;
            case NORM_W -> normW;
            case NORM_B -> normB;
        };
    }

    /** The typed shape of {@code b} under {@code c} (the official shape except conv1d.weight: (E, K)). */
    static int[] typedShape(ParamNames.Block b, SsamConfig c) {
        return b == ParamNames.Block.CONV1D_W ? new int[] {c.dInner(), c.dConv()} : b.shape(c);
    }

    /** A block whose tensors {@code source} supplies, each already in its typed shape. */
    static BlockParams of(java.util.function.Function<ParamNames.Block, Tensor> source) {
        return new BlockParams(source.apply(ParamNames.Block.NORM_W), source.apply(ParamNames.Block.NORM_B),
                source.apply(ParamNames.Block.IN_PROJ_W), source.apply(ParamNames.Block.CONV1D_W),
                source.apply(ParamNames.Block.CONV1D_B), source.apply(ParamNames.Block.X_PROJ_W),
                source.apply(ParamNames.Block.DT_PROJ_W), source.apply(ParamNames.Block.DT_PROJ_B),
                source.apply(ParamNames.Block.A_LOG), source.apply(ParamNames.Block.D),
                source.apply(ParamNames.Block.OUT_PROJ_W));
    }

    /** Requires every tensor to have its typed shape under {@code c}; messages name {@code blocks.i.*}. */
    void check(SsamConfig c, int i) {
        for (ParamNames.Block b : ParamNames.Block.values()) {
            Shapes.require("SsamParams", b.key(i), tensor(b), null, typedShape(b, c));
        }
    }
}
