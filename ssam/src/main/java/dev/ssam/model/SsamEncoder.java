package dev.ssam.model;

import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.ops.gather.Gather;
import dev.ssam.ops.matmul.Matmul;
import dev.ssam.ops.norm.LayerNorm;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * The SSAM encoder: patch embedding, fixed positions, class token, residual Add -> LayerNorm ->
 * Mamba blocks and the final LayerNorm (SSAM-SPEC sections 2-3; the official {@code MambaSSAST}).
 * Without a trace (inference) each mixer adds its output into the residual stream in its out_proj
 * GEMM ({@code Matmul.linearAccumulate}), so the Add is no pass of its own.
 *
 * <pre>{@code
 * SsamParams p = SsamWeights.load(Path.of("tiny.safetensors.index.json"));
 * Tensor tokens = SsamEncoder.forward(backend, p, logmel, null, null);   // (B, 251, D)
 * Tensor frames = SsamEncoder.features(backend, p, logmel);              // (B, 50, 5D)
 * }</pre>
 */
public final class SsamEncoder {
    private SsamEncoder() {
    }

    /** Checks {@code logmel} is (B, frames, melBins) (or (B, 1, frames, melBins)) and returns B. */
    static int checkInput(SsamConfig c, Tensor logmel) {
        if (logmel == null) {
            throw new IllegalArgumentException("ssamEncoder: logmel is missing (null), expected [batch, frames="
                    + c.frames() + ", melBins=" + c.melBins() + "]");
        }
        int b = logmel.dim(0);
        if (logmel.rank() == 4) {
            Shapes.require("ssamEncoder", "logmel", logmel, Shapes.names("batch", "channel", "frames", "melBins"),
                    b, 1, c.frames(), c.melBins());
        } else {
            Shapes.require("ssamEncoder", "logmel", logmel, Shapes.names("batch", "frames", "melBins"),
                    b, c.frames(), c.melBins());
        }
        Shapes.requirePositive("ssamEncoder", "batch", b);
        return b;
    }

    /**
     * Buffers one inference call on {@code batch} windows reuses: the residual stream (each mixer adds
     * its output into it), the mixer input, the mixer intermediates and the output tokens. Not
     * thread-safe: one per thread.
     */
    public static final class Buffers {
        final Tensor r;                 // (B, L, D) residual stream
        final Tensor hn;                // (B, L, D) normalised mixer input
        final Tensor tokens;            // (B, L, D) encoder output
        final MixerActivations mixer;   // shared by every block; null where a trace keeps them
        final Tensor patches;           // (B, P, Q) the input's patches
        final Tensor patchTokens;       // (B, P, D) their embeddings

        private Buffers(SsamConfig c, int batch, boolean mixer) {
            int l = c.seqLen();
            int d = c.dModel();
            r = Tensor.zeros(batch, l, d);
            hn = Tensor.zeros(batch, l, d);
            tokens = Tensor.zeros(batch, l, d);
            this.mixer = mixer ? MixerActivations.allocate(c, batch, l) : null;
            patches = Tensor.zeros(batch, c.numPatches(), c.patchDim());
            patchTokens = Tensor.zeros(batch, c.numPatches(), d);
        }

        /** Buffers for {@code batch} windows of model {@code c}. */
        public static Buffers allocate(SsamConfig c, int batch) {
            Shapes.requirePositive("SsamEncoder.Buffers", "batch", batch);
            return new Buffers(c, batch, true);
        }

        /** Buffers for forward passes that keep their intermediates in an {@link EncoderTrace} (no mixer scratch). */
        static Buffers forTrace(SsamConfig c, int batch) {
            Shapes.requirePositive("SsamEncoder.Buffers", "batch", batch);
            return new Buffers(c, batch, false);
        }

        /** Windows these buffers hold. */
        public int batch() {
            return r.dim(0);
        }
    }

    /**
     * Encodes normalised log-mel windows.
     *
     * @param logmel (B, T, F) or (B, 1, T, F), T = 200 frames, F = 80 bins, normalised per clip
     * @param mask   (B, P) with 1 where a patch is masked (replaced by {@code mask_token}), or null
     * @param trace  buffers that keep what backward needs (allocated for B), or null for inference
     * @return (B, L, D) the encoder-normalised tokens, class token first (a new tensor)
     */
    public static Tensor forward(Backend backend, SsamParams p, Tensor logmel, Tensor mask, EncoderTrace trace) {
        int batch = checkInput(p.config(), logmel);
        Buffers buffers = trace != null ? Buffers.forTrace(p.config(), batch) : Buffers.allocate(p.config(), batch);
        return run(backend, p, logmel, mask, trace, buffers);
    }

    /**
     * As {@link #forward(Backend, SsamParams, Tensor, Tensor, EncoderTrace)} into reused
     * {@code buffers}: returns their token tensor (B, L, D), valid until the buffers are used again.
     */
    static Tensor forward(Backend backend, SsamParams p, Tensor logmel, Tensor mask, EncoderTrace trace,
                          Buffers buffers) {
        return run(backend, p, logmel, mask, trace, buffers);
    }

    /**
     * Inference into reused {@code buffers} (allocated for B windows): returns their token tensor
     * (B, L, D), valid until the buffers are used again.
     */
    public static Tensor forward(Backend backend, SsamParams p, Tensor logmel, Buffers buffers) {
        return run(backend, p, logmel, null, null, buffers);
    }

    private static Tensor run(Backend backend, SsamParams p, Tensor logmel, Tensor mask, EncoderTrace trace,
                              Buffers buf) {
        SsamConfig c = p.config();
        int batch = checkInput(c, logmel);
        int l = c.seqLen();
        int d = c.dModel();
        if (mask != null) {
            Shapes.require("ssamEncoder", "mask", mask, Shapes.names("batch", "patches"), batch, c.numPatches());
        }
        if (trace != null && trace.batch() != batch) {
            throw new IllegalArgumentException("ssamEncoder: trace holds " + trace.batch() + " clips, input has " + batch);
        }
        if (buf.batch() != batch) {
            throw new IllegalArgumentException("ssamEncoder: buffers hold " + buf.batch() + " windows, input has " + batch);
        }
        Tensor seq = trace != null ? trace.seq() : buf.tokens;   // tokens is free until the final norm
        embed(backend, p, logmel.reshape(batch, c.frames(), c.melBins()), mask, buf.patches, buf.patchTokens, seq);

        Tensor r = buf.r;
        Tensor h = null;   // with a trace: the previous block's mixer output
        for (int i = 0; i < c.depth(); i++) {
            BlockParams bp = p.blocks().get(i);
            if (i == 0) {
                Elementwise.copy(backend, seq, r);
            } else if (trace != null) {
                Elementwise.add(backend, r, h, r);
            } // without a trace the previous mixer added its output into r itself
            Tensor norm = trace != null ? trace.normed().get(i) : buf.hn;
            if (trace != null) {
                Elementwise.copy(backend, r, trace.residual().get(i));
            }
            LayerNorm.forward(backend, r.reshape(batch * l, d), bp.normW(), bp.normB(), (float) c.normEps(),
                    norm.reshape(batch * l, d), trace != null ? trace.mean().get(i) : null,
                    trace != null ? trace.rstd().get(i) : null);
            if (trace != null) {
                h = trace.mixerOut().get(i);
                MambaMixer.forward(backend, bp, norm, h, trace.mixers().get(i), true, false);
            } else {
                MambaMixer.forward(backend, bp, norm, r, buf.mixer, false, true);   // r += mixer(norm)
            }
        }
        if (trace != null) {
            Elementwise.add(backend, r, h, r);
            Elementwise.copy(backend, r, trace.finalIn());
        }
        LayerNorm.forward(backend, r.reshape(batch * l, d), p.encoderNormW(), p.encoderNormB(), (float) c.normEps(),
                buf.tokens.reshape(batch * l, d), trace != null ? trace.finalMean() : null,
                trace != null ? trace.finalRstd() : null);
        return buf.tokens;
    }

    /**
     * The official {@code forward_features}: the encoder tokens without the class token, laid out
     * as (B, 50, 5D) frames by the "(f t) d -> t (f d)" pattern (SSAM-SPEC section 4).
     */
    public static Tensor features(Backend backend, SsamParams p, Tensor logmel) {
        Tensor tokens = forward(backend, p, logmel, null, null);
        Tensor frames = Tensor.zeros(tokens.dim(0), p.config().gridFrames(), p.config().featureDim());
        FeatureLayout.toFrames(backend, p.config(), tokens, frames);
        return frames;
    }

    /** As {@link #features(Backend, SsamParams, Tensor)}, reusing {@code buffers}; writes (B, 50, 5D) into {@code out}. */
    public static void features(Backend backend, SsamParams p, Tensor logmel, Buffers buffers, Tensor out) {
        FeatureLayout.toFrames(backend, p.config(), forward(backend, p, logmel, buffers), out);
    }

    /**
     * Patch embedding into {@code seq} (B, L, D): row 0 = cls_token + pos_embed[0], row 1 + k =
     * W patch_k + b + pos_embed[1 + k], or mask_token where {@code mask[b, k] = 1} (replacing the
     * token after the position embedding is added, as the official code does). {@code patches}
     * (B, P, Q) and {@code tok} (B, P, D) are scratch.
     */
    static void embed(Backend backend, SsamParams p, Tensor logmel, Tensor mask, Tensor patches, Tensor tok,
                      Tensor seq) {
        Patches.patchify(backend, p.config(), logmel, patches);
        Matmul.linear(backend, patches, p.patchEmbedW(), p.patchEmbedB(), tok);
        Gather.tokens(backend, tok, p.posEmbed(), p.clsToken(), p.maskToken(), mask, seq);
    }
}
