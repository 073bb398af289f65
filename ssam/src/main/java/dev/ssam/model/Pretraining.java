package dev.ssam.model;

import dev.ssam.ops.act.Activation;
import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.ops.gather.Gather;
import dev.ssam.ops.loss.MseLoss;
import dev.ssam.ops.matmul.Matmul;
import dev.ssam.ops.norm.LayerNorm;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * Masked-patch reconstruction (SSAM-SPEC section 5): the prediction head, the loss and the
 * backward pass through the whole model.
 *
 * <pre>
 *   tokens = encoder(x, mask)                        (B, L, D)  masked patches replaced by mask_token
 *   pred   = Linear(D, Q)(GELU(Linear(D, D)(tokens)))[:, 1:]   (B, P, Q)
 *   target = patchify(x)                             (B, P, Q)
 *   loss   = mean over all B P Q of (pred - target)^2          (official objective, {@link Loss#ALL})
 *          | mean over masked patches of the per-patch MSE     ({@link Loss#MASKED})
 * </pre>
 * Activations are saved, not recomputed: {@link EncoderTrace} holds about
 * {@code depth (4 L D + 5 L E + L (R + 2N))} floats per clip (SSAM-Tiny: about 45 MB per clip), and
 * on a GPU the selective scan's states at every 16th token, {@code depth ceil(L / 16) N E} floats
 * (SSAM-Tiny: about 10.6 MB per clip more).
 *
 * <pre>{@code
 * Pretraining.Workspace ws = Pretraining.Workspace.allocate(p.config(), 8, backend);
 * SsamParams grads = SsamParams.zeros(p.config());
 * Pretraining.Result r = Pretraining.lossAndGradients(backend, p, x, mask, Pretraining.Options.OFFICIAL, grads, ws);
 * }</pre>
 */
public final class Pretraining {
    /** The variance offset of a normalised target patch (MAE's norm_pix_loss: {@code (var + 1e-6) ** .5}). */
    static final double NORM_PIX_EPS = 1e-6;

    private Pretraining() {
    }

    /** Which loss is optimised. */
    public enum Loss {
        /** Mean squared error over all patches and values: what the official trainer optimises. */
        ALL,
        /** Mean over masked patches of the per-patch mean squared error (the classic MAE loss). */
        MASKED
    }

    /**
     * @param loss            the optimised loss
     * @param normalizedPatch normalise each target patch to zero mean and unit variance (unbiased
     *                        variance, eps 1e-6, MAE's {@code norm_pix_loss}); off in the official recipe
     */
    public record Options(Loss loss, boolean normalizedPatch) {
        /** The official objective: MSE over all patches of the raw target. */
        public static final Options OFFICIAL = new Options(Loss.ALL, false);

        public Options {
            if (loss == null) {
                throw new IllegalArgumentException("Pretraining.Options: loss is null");
            }
        }
    }

    /**
     * @param loss       the optimised loss
     * @param lossAll    MSE over all patches
     * @param lossMasked MSE over masked patches (NaN when nothing is masked)
     */
    public record Result(double loss, double lossAll, double lossMasked) {
    }

    /** Every buffer one training step on {@code batch} clips needs, allocated once and reused. */
    public static final class Workspace {
        final EncoderTrace trace;
        final MixerBackward mixer;
        final Tensor head1;     // (B, L, D) pred.0 output
        final Tensor head1Act;  // (B, L, D) GELU of it
        final Tensor predAll;   // (B, L, Q) head output for every token
        final Tensor pred;      // (B, P, Q)
        final Tensor target;    // (B, P, Q)
        final Tensor gpred;     // (B, P, Q)
        final Tensor gpredAll;  // (B, L, Q)
        final Tensor gAct;      // (B, L, D)
        final Tensor gHead1;    // (B, L, D)
        final Tensor gTokens;   // (B, L, D)
        final Tensor gR;        // (B, L, D) gradient of the residual stream
        final Tensor gNormed;   // (B, L, D)
        final Tensor gTmp;      // (B, L, D)
        final Tensor gTok;      // (B, P, D)
        final SsamEncoder.Buffers encoder;   // the encoder's scratch, reused every step
        final Tensor patches;   // (B, P, Q) the input's patches (the encoder's, left by its patch embedding)
        final Tensor row0;      // (B, Q) the class-token row of predAll, dropped; zero in backward
        final Tensor patchGamma;   // (Q) the LayerNorm scale that makes a patch's variance unbiased
        final Tensor patchBeta;    // (Q) zeros

        private Workspace(SsamConfig c, int batch, Backend backend) {
            int l = c.seqLen();
            int d = c.dModel();
            int pn = c.numPatches();
            int q = c.patchDim();
            trace = EncoderTrace.allocate(c, batch, backend);
            mixer = new MixerBackward(c, batch);
            head1 = Tensor.zeros(batch, l, d);
            head1Act = Tensor.zeros(batch, l, d);
            predAll = Tensor.zeros(batch, l, q);
            pred = Tensor.zeros(batch, pn, q);
            target = Tensor.zeros(batch, pn, q);
            gpred = Tensor.zeros(batch, pn, q);
            gpredAll = Tensor.zeros(batch, l, q);
            gAct = Tensor.zeros(batch, l, d);
            gHead1 = Tensor.zeros(batch, l, d);
            gTokens = Tensor.zeros(batch, l, d);
            gR = Tensor.zeros(batch, l, d);
            gNormed = Tensor.zeros(batch, l, d);
            gTmp = Tensor.zeros(batch, l, d);
            gTok = Tensor.zeros(batch, pn, d);
            encoder = SsamEncoder.Buffers.forTrace(c, batch);
            patches = encoder.patches;
            row0 = Tensor.zeros(batch, q);
            patchGamma = Tensor.zeros(q);
            patchGamma.fill((float) Math.sqrt((q - 1.0) / q));
            patchBeta = Tensor.zeros(q);
        }

        /** Buffers for {@code batch} clips of model {@code c}, for any backend (the scan states are recomputed). */
        public static Workspace allocate(SsamConfig c, int batch) {
            return allocate(c, batch, null);
        }

        /**
         * Buffers for {@code batch} clips of model {@code c} on {@code backend}: where its forward
         * saves the selective scan's states for the backward (GPU backends), room for them
         * ({@link MixerActivations#scanStates}), which spares each block's scan backward a pass over
         * every token. Use the workspace on that backend only.
         */
        public static Workspace allocate(SsamConfig c, int batch, Backend backend) {
            Shapes.requirePositive("Pretraining.Workspace", "batch", batch);
            return new Workspace(c, batch, backend);
        }

        /** Clips per step. */
        public int batch() {
            return trace.batch();
        }

        /** The predictions of the last step, (B, P, Q). */
        public Tensor pred() {
            return pred;
        }

        /** The (possibly normalised) targets of the last step, (B, P, Q). */
        public Tensor target() {
            return target;
        }
    }

    /**
     * Forward pass, loss, and the gradient of the loss with respect to every trainable tensor,
     * written (overwritten) into {@code grads}; {@code pos_embed}'s gradient is zero (frozen).
     *
     * @param x    (B, T, F) or (B, 1, T, F) normalised log-mel windows
     * @param mask (B, P), 1 = masked
     */
    public static Result lossAndGradients(Backend backend, SsamParams p, Tensor x, Tensor mask, Options options,
                                          SsamParams grads, Workspace ws) {
        Result result = forward(backend, p, x, mask, options, ws);
        backward(backend, p, x, mask, options, grads, ws);
        return result;
    }

    /** Forward pass and loss only (predictions stay in {@code ws}). */
    public static Result forward(Backend backend, SsamParams p, Tensor x, Tensor mask, Options options, Workspace ws) {
        SsamConfig c = p.config();
        int batch = SsamEncoder.checkInput(c, x);
        if (mask == null) {
            throw new IllegalArgumentException("pretraining: mask is missing (null), expected [batch=" + batch
                    + ", patches=" + c.numPatches() + "]");
        }
        if (ws.batch() != batch) {
            throw new IllegalArgumentException("pretraining: workspace holds " + ws.batch() + " clips, x has " + batch);
        }
        Tensor tokens = SsamEncoder.forward(backend, p, x, mask, ws.trace, ws.encoder);
        Matmul.linear(backend, tokens, p.pred0W(), p.pred0B(), ws.head1);
        Activation.forward(backend, Activation.GELU, ws.head1, ws.head1Act);
        Matmul.linear(backend, ws.head1Act, p.pred2W(), p.pred2B(), ws.predAll);
        dropFirstRow(backend, ws.predAll, ws.row0, ws.pred);
        if (options.normalizedPatch()) {   // the patches the encoder embedded, normalised or not
            normalizePatches(backend, ws.patches, ws.patchGamma, ws.patchBeta, ws.target);
        } else {
            Elementwise.copy(backend, ws.patches, ws.target);
        }
        double all = MseLoss.all(backend, ws.pred, ws.target);
        double masked = anyMasked(mask) ? MseLoss.masked(backend, ws.pred, ws.target, mask) : Double.NaN;
        return new Result(options.loss() == Loss.ALL ? all : masked, all, masked);
    }

    private static void backward(Backend backend, SsamParams p, Tensor x, Tensor mask, Options options,
                                 SsamParams grads, Workspace ws) {
        SsamConfig c = p.config();
        int batch = ws.batch();
        int l = c.seqLen();
        int d = c.dModel();
        EncoderTrace t = ws.trace;
        // Loss -> predictions.
        if (options.loss() == Loss.ALL) {
            MseLoss.allBackward(backend, ws.pred, ws.target, ws.gpred);
        } else {
            MseLoss.maskedBackward(backend, ws.pred, ws.target, mask, ws.gpred);
        }
        padFirstRow(backend, ws.gpred, ws.row0, ws.gpredAll);
        // Prediction head.
        Matmul.linearBackward(backend, ws.head1Act, p.pred2W(), ws.gpredAll, ws.gAct, grads.pred2W(), grads.pred2B());
        Activation.backward(backend, Activation.GELU, ws.head1, ws.gAct, ws.gHead1);
        // The head's input: the encoder's token buffer, untouched since this workspace's forward pass.
        Matmul.linearBackward(backend, ws.encoder.tokens, p.pred0W(), ws.gHead1, ws.gTokens, grads.pred0W(),
                grads.pred0B());
        // Encoder norm.
        LayerNorm.backward(backend, t.finalIn().reshape(batch * l, d), p.encoderNormW(), t.finalMean(), t.finalRstd(),
                ws.gTokens.reshape(batch * l, d), ws.gR.reshape(batch * l, d), grads.encoderNormW(), grads.encoderNormB());
        // Blocks, last to first: r_{i+1} = r_i + Mixer_i(LN_i(r_i)), so the mixer output's gradient is gR.
        for (int i = c.depth() - 1; i >= 0; i--) {
            BlockParams bp = p.blocks().get(i);
            BlockParams bg = grads.blocks().get(i);
            ws.mixer.backward(backend, bp, t.normed().get(i), t.mixers().get(i), ws.gR, bg, ws.gNormed);
            LayerNorm.backward(backend, t.residual().get(i).reshape(batch * l, d), bp.normW(), t.mean().get(i),
                    t.rstd().get(i), ws.gNormed.reshape(batch * l, d), ws.gTmp.reshape(batch * l, d), bg.normW(), bg.normB());
            Elementwise.add(backend, ws.gR, ws.gTmp, ws.gR);
        }
        embedBackward(backend, p, mask, grads, ws);
    }

    /** Gradients of cls_token, mask_token and the patch embedding from the sequence gradient {@code ws.gR}. */
    private static void embedBackward(Backend backend, SsamParams p, Tensor mask, SsamParams grads, Workspace ws) {
        Gather.tokensBackward(backend, ws.gR, mask, ws.gTok, grads.clsToken(), grads.maskToken());
        Elementwise.fill(backend, grads.posEmbed(), 0f);
        Matmul.linearBackward(backend, ws.patches, p.patchEmbedW(), ws.gTok, null, grads.patchEmbedW(), grads.patchEmbedB());
    }

    /** (B, L, Q) -> (B, L - 1, Q) without row 0 of each clip (which goes to {@code row0} (B, Q)). */
    static void dropFirstRow(Backend backend, Tensor src, Tensor row0, Tensor dst) {
        int batch = src.dim(0);
        Elementwise.split(backend, src.reshape(batch, src.size() / batch), row0, dst.reshape(batch, dst.size() / batch));
    }

    /** (B, L - 1, Q) -> (B, L, Q) with a zero row 0 per clip (adjoint of {@link #dropFirstRow}); zeroes {@code row0}. */
    static void padFirstRow(Backend backend, Tensor src, Tensor row0, Tensor dst) {
        int batch = src.dim(0);
        Elementwise.fill(backend, row0, 0f);
        Elementwise.concat(backend, row0, src.reshape(batch, src.size() / batch), dst.reshape(batch, dst.size() / batch));
    }

    /**
     * Per patch, {@code out = (v - mean) / sqrt(var + 1e-6)} with the variance unbiased over the Q
     * values (MAE's norm_pix_loss, {@code torch.var}'s default), on {@code backend} (no trip to the
     * host): a LayerNorm, which divides by {@code sqrt(var_b + eps)} with the biased
     * {@code var_b = var (Q - 1) / Q}, so {@code eps = 1e-6 (Q - 1) / Q} and
     * {@code gamma = sqrt((Q - 1) / Q)} ({@code patchGamma}; {@code patchBeta} zeros) give
     * {@code (v - mean) / sqrt(var + 1e-6)} exactly in real arithmetic. The row statistics are
     * LayerNorm's float ones (the Ref backend's in double), as the official float32 code's: for a
     * nearly constant patch the mean's rounding, about ulp(v), is multiplied by up to
     * 1 / sqrt(1e-6) = 1000 (the former host computation summed in double).
     *
     * @param patches (B, P, Q), not overlapping {@code out}
     * @param out     (B, P, Q)
     */
    static void normalizePatches(Backend backend, Tensor patches, Tensor patchGamma, Tensor patchBeta, Tensor out) {
        int q = patches.dim(-1);
        float eps = (float) (NORM_PIX_EPS * (q - 1) / q);
        LayerNorm.forward(backend, patches, patchGamma, patchBeta, eps, out, null, null);
    }

    private static boolean anyMasked(Tensor mask) {
        for (float m : mask.toArray()) {   // a read: a device copy of the mask stays current
            if (m != 0f) {
                return true;
            }
        }
        return false;
    }

    /** Predictions (B, P, Q) of the reconstruction head for {@code x} under {@code mask}. */
    public static Tensor predict(Backend backend, SsamParams p, Tensor x, Tensor mask) {
        Workspace ws = Workspace.allocate(p.config(), SsamEncoder.checkInput(p.config(), x));
        forward(backend, p, x, mask, Options.OFFICIAL, ws);
        return ws.pred.copy();
    }
}
