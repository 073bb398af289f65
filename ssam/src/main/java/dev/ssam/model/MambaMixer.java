package dev.ssam.model;

import dev.ssam.ops.conv.CausalConv1d;
import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.ops.matmul.Matmul;
import dev.ssam.ops.scan.SelectiveScan;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

/**
 * The unidirectional Mamba mixer of one SSAM block, composed from the backend ops
 * (SSAM-SPEC section 3; mirrors mamba_ssm {@code Mamba.forward} with the reference scan, no
 * fused kernels, no biases except conv and dt):
 * <pre>
 *   x = h W_in[:E]^T, z = h W_in[E:]^T   (B, L, E) each  (the official xz split, computed as two
 *                                     GEMMs over row views of W_in so no copy of xz is made)
 *   xc = SiLU(causal_conv1d(x))      (B, L, E)
 *   [dt_raw | B | C] = xc W_x^T      (B, L, R + 2N)
 *   dt = dt_raw W_dt^T               (B, L, E)    (dt bias is added inside the scan)
 *   y  = scan(xc, dt, A = -exp(A_log), B, C, D, z, dt_bias, softplus)   (B, L, E)
 *                                    (inference on a GPU: the split, dt and the scan are one kernel)
 *   out = y W_out^T                  (B, L, D)
 * </pre>
 */
public final class MambaMixer {
    private MambaMixer() {
    }

    /**
     * Runs the mixer on {@code h} (B, L, D) into {@code out} (B, L, D), leaving every intermediate
     * in {@code act} (allocated for the same B and L) when {@code forBackward}. Without it (inference)
     * on a backend that fuses the scan's projection ({@link SelectiveScan#fusesProjection}: the GPU
     * backends), the scan reads x_proj's output as it is ({@link SelectiveScan#forwardProjected}) and
     * act's dtRaw, bc, bm, cm and dt are not written; otherwise the scan also saves its states into
     * act's scanStates where act has them for this backend. With {@code accumulate} the output is added
     * into what {@code out} holds ({@code out += y W_out^T}, one GEMM: a block's output straight into
     * the residual stream) instead of overwriting it.
     */
    public static void forward(Backend backend, BlockParams p, Tensor h, Tensor out, MixerActivations act,
                               boolean forBackward, boolean accumulate) {
        int e = act.x().dim(-1);
        Matmul.linear(backend, h, p.inProj().slice0(0, e), null, act.x());
        Matmul.linear(backend, h, p.inProj().slice0(e, 2 * e), null, act.z());
        CausalConv1d.forward(backend, act.x(), p.convW(), p.convB(), true, act.xc());
        Matmul.linear(backend, act.xc(), p.xProj(), null, act.xdbl());
        Elementwise.negExp(backend, p.aLog(), act.a());
        SelectiveScan.Dims dims = new SelectiveScan.Dims(act.x().dim(0), act.x().dim(1), e, act.a().dim(1));
        if (!forBackward && SelectiveScan.fusesProjection(backend, dims, p.dtProjW().dim(1))) {
            SelectiveScan.forwardProjected(backend, act.xc(), act.xdbl(), p.dtProjW(), act.a(), p.d(), act.z(),
                    p.dtProjB(), true, act.y());
        } else {
            Elementwise.split(backend, act.xdbl(), act.dtRaw(), act.bc());
            Elementwise.split(backend, act.bc(), act.bm(), act.cm());
            Matmul.linear(backend, act.dtRaw(), p.dtProjW(), null, act.dt());
            SelectiveScan.forward(backend, new SelectiveScan.Inputs(act.xc(), act.dt(), act.a(), act.bm(), act.cm(),
                    p.d(), act.z(), p.dtProjB(), true), act.y(), null, act.scanStatesFor(backend));
        }
        if (accumulate) {
            Matmul.linearAccumulate(backend, act.y(), p.outProj(), out);
        } else {
            Matmul.linear(backend, act.y(), p.outProj(), null, out);
        }
    }
}
