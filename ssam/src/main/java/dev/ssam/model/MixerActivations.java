package dev.ssam.model;

import dev.ssam.ops.scan.SelectiveScan;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

/**
 * The intermediate tensors of one Mamba mixer call on {@code B} sequences of length {@code L}
 * (SSAM-SPEC section 3, steps 1-7). Inference reuses one instance for every block; training keeps
 * one per block because the backward pass reads them (about {@code 5 L E + L (R + 2N)} floats per
 * clip and block: 2.9 MB for SSAM-Tiny, and on a GPU the scan's saved states, 0.9 MB more).
 *
 * @param x    (B, L, E) conv input (in_proj rows [0, E))
 * @param z    (B, L, E) gate (in_proj rows [E, 2E))
 * @param xc   (B, L, E) SiLU(conv(x)): the scan input u
 * @param xdbl (B, L, R + 2N) x_proj output
 * @param dtRaw (B, L, R) low-rank delta
 * @param bc   (B, L, 2N) B and C columns of xdbl
 * @param bm   (B, L, N) B
 * @param cm   (B, L, N) C
 * @param dt   (B, L, E) dt_proj output, before bias and softplus
 * @param a    (E, N) A = -exp(A_log)
 * @param y    (B, L, E) gated scan output
 * @param scanStates the scan's states saved by a training forward for its backward
 *                   ({@link SelectiveScan#savedStatesShape}: GPU backends), or null (recomputed)
 */
public record MixerActivations(Tensor x, Tensor z, Tensor xc, Tensor xdbl, Tensor dtRaw, Tensor bc,
                               Tensor bm, Tensor cm, Tensor dt, Tensor a, Tensor y, Tensor scanStates) {

    /** Buffers for {@code batch} sequences of {@code len} tokens under {@code c}, saving no scan states. */
    public static MixerActivations allocate(SsamConfig c, int batch, int len) {
        return allocate(c, batch, len, null);
    }

    /**
     * As above, with the scan states a training forward on {@code backend} saves for its backward
     * when it saves any (null: none, as for inference).
     */
    public static MixerActivations allocate(SsamConfig c, int batch, int len, Backend backend) {
        int e = c.dInner();
        int n = c.dState();
        int r = c.dtRank();
        int[] states = backend == null ? null
                : SelectiveScan.savedStatesShape(backend, new SelectiveScan.Dims(batch, len, e, n));
        return new MixerActivations(Tensor.zeros(batch, len, e),
                Tensor.zeros(batch, len, e), Tensor.zeros(batch, len, e), Tensor.zeros(batch, len, r + 2 * n),
                Tensor.zeros(batch, len, r), Tensor.zeros(batch, len, 2 * n), Tensor.zeros(batch, len, n),
                Tensor.zeros(batch, len, n), Tensor.zeros(batch, len, e), Tensor.zeros(e, n),
                Tensor.zeros(batch, len, e), states == null ? null : Tensor.zeros(states));
    }

    /**
     * {@link #scanStates} where {@code backend}'s forward saves states of their shape, else null
     * (buffers made for a GPU used on the host backends simply recompute the states).
     */
    public Tensor scanStatesFor(Backend backend) {
        if (scanStates == null) {
            return null;
        }
        int[] shape = SelectiveScan.savedStatesShape(backend,
                new SelectiveScan.Dims(x.dim(0), x.dim(1), x.dim(2), a.dim(1)));
        return shape != null && scanStates.hasShape(shape) ? scanStates : null;
    }

    /** Number of sequences these buffers hold. */
    public int batch() {
        return x.dim(0);
    }

    /** Tokens per sequence. */
    public int len() {
        return x.dim(1);
    }
}
