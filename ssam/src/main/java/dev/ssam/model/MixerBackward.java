package dev.ssam.model;

import dev.ssam.ops.conv.CausalConv1d;
import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.ops.matmul.Matmul;
import dev.ssam.ops.scan.SelectiveScan;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

/**
 * Backward pass of {@link MambaMixer} for {@code loss = sum(out * gout)}: the chain rule through
 * out_proj, the selective scan, dt_proj, x_proj, the SiLU conv and in_proj, in reverse order of
 * {@link MambaMixer#forward}. Gradient buffers are allocated once per batch shape and reused for
 * every block.
 */
final class MixerBackward {
    private final Tensor gy;      // (B, L, E) gradient of the gated scan output
    private final Tensor gxc;     // (B, L, E) gradient of the scan input u = SiLU(conv(x)) (scan, then x_proj added)
    private final Tensor gdt;     // (B, L, E) gradient of dt (before bias and softplus)
    private final Tensor ga;      // (E, N) gradient of A
    private final Tensor gbm;     // (B, L, N)
    private final Tensor gcm;     // (B, L, N)
    private final Tensor gz;      // (B, L, E)
    private final Tensor gdtRaw;  // (B, L, R)
    private final Tensor gbc;     // (B, L, 2N)
    private final Tensor gxdbl;   // (B, L, R + 2N)
    private final Tensor gx;      // (B, L, E) gradient of the conv input

    MixerBackward(SsamConfig c, int batch) {
        int l = c.seqLen();
        int e = c.dInner();
        int n = c.dState();
        int r = c.dtRank();
        gy = Tensor.zeros(batch, l, e);
        gxc = Tensor.zeros(batch, l, e);
        gdt = Tensor.zeros(batch, l, e);
        ga = Tensor.zeros(e, n);
        gbm = Tensor.zeros(batch, l, n);
        gcm = Tensor.zeros(batch, l, n);
        gz = Tensor.zeros(batch, l, e);
        gdtRaw = Tensor.zeros(batch, l, r);
        gbc = Tensor.zeros(batch, l, 2 * n);
        gxdbl = Tensor.zeros(batch, l, r + 2 * n);
        gx = Tensor.zeros(batch, l, e);
    }

    /**
     * Writes the gradients of block {@code p}'s mixer tensors into {@code g} and the gradient of the
     * mixer input {@code h} (B, L, D) into {@code gh}.
     *
     * @param h    (B, L, D) the mixer input of the forward pass
     * @param act  the forward intermediates (with scan states saved, the scan backward reads them
     *             instead of recomputing them)
     * @param gout (B, L, D) gradient of the mixer output
     */
    void backward(Backend backend, BlockParams p, Tensor h, MixerActivations act, Tensor gout, BlockParams g, Tensor gh) {
        Matmul.linearBackward(backend, act.y(), p.outProj(), gout, gy, g.outProj(), null);
        SelectiveScan.backward(backend, new SelectiveScan.Inputs(act.xc(), act.dt(), act.a(), act.bm(), act.cm(), p.d(),
                act.z(), p.dtProjB(), true), gy, new SelectiveScan.Grads(gxc, gdt, ga, gbm, gcm, g.d(), gz, g.dtProjB()),
                act.scanStatesFor(backend));
        // A = -exp(A_log)  =>  dA_log = dA * A.
        Elementwise.mul(backend, ga, act.a(), g.aLog());
        Matmul.linearBackward(backend, act.dtRaw(), p.dtProjW(), gdt, gdtRaw, g.dtProjW(), null);
        Elementwise.concat(backend, gbm, gcm, gbc);
        Elementwise.concat(backend, gdtRaw, gbc, gxdbl);
        Matmul.linearBackwardAccumulate(backend, act.xc(), p.xProj(), gxdbl, gxc, g.xProj(), null);   // u feeds both
        CausalConv1d.backward(backend, act.x(), p.convW(), p.convB(), true, gxc, gx, g.convW(), g.convB());
        // in_proj's rows: x = h W[0, E)^T, z = h W[E, 2E)^T; gh gets both parts, no (B, L, 2E) concat
        int e = gx.dim(-1);
        Matmul.linearBackward(backend, h, p.inProj().slice0(0, e), gx, gh, g.inProj().slice0(0, e), null);
        Matmul.linearBackwardAccumulate(backend, h, p.inProj().slice0(e, 2 * e), gz, gh, g.inProj().slice0(e, 2 * e),
                null);
    }
}
