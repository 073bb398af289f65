package dev.ssam.ops.gather;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * Gathers and scatters of the model's token plumbing, so the embedding and its gradient run on
 * the device that runs the rest of the model:
 *
 * <pre>
 *   patchify:  out[b, t gF + f, i pb + j] = x[b, t pf + i, f pb + j]      x: (B, T, F), out: (B, P, Q)
 *              P = gT gF patches of pf x pb (Q = pf pb), gT = T / pf, gF = F / pb (ssam Patches.patchify)
 *   tokens:    seq[b, 0]     = cls + pos[0]                                seq: (B, L, D), L = P + 1
 *              seq[b, 1 + k] = mask[b, k] != 0 ? mtok : tok[b, k] + pos[1 + k]
 *   frames:    frames[b, t, f D + j] = tokens[b, s + f gT + t, j]         tokens: (B, s + gF gT, D)
 *              (the official forward_features reshape; s = 1 skips a class-token row)  frames: (B, gT, gF D)
 *   tokensBackward (gradients of sum(seq * gseq)):
 *              gtok[b, k] = mask[b, k] != 0 ? 0 : gseq[b, 1 + k]           gtok: (B, P, D)
 *              gcls       = sum_b gseq[b, 0]                               (D)
 *              gmtok      = sum_{b, k: mask[b, k] != 0} gseq[b, 1 + k]     (D)
 * </pre>
 * tok (B, P, D), pos (L, D), cls (D), mtok (D), mask (B, P) or null (nothing masked); every
 * tensor is row-major, last index fastest. This is the official {@code PatchEmbed} +
 * {@code cls_token} + {@code pos_embed} + mask-token replacement (SSAM-SPEC section 4), with the
 * mask token replacing the token after the position embedding is added, as there.
 *
 * <p>Implementations: {@code GatherRef} (scalar; the sums of tokensBackward in double, b then k
 * ascending) is also the Cpu implementation (memory-bound copies and two (D) sums: nothing to
 * vectorise); {@code GatherGpu} ({@code kernels/gather.cl}) sums in float with Kahan compensation
 * in the same order.
 *
 * <pre>{@code
 * Gather.patchify(backend, x, 2, 16, patches);                 // (B, 200, 80) -> (B, 250, 32)
 * Gather.tokens(backend, tok, pos, cls, mtok, mask, seq);      // (B, 250, D) -> (B, 251, D)
 * }</pre>
 */
public final class Gather {
    static final String PATCHIFY = "patchify";
    static final String TOKENS = "tokens";
    static final String TOKENS_BACKWARD = "tokensBackward";
    static final String FRAMES = "tokensToFrames";

    private Gather() {
    }

    /** Validated patchify sizes. */
    public record PatchDims(int batch, int frames, int bins, int pf, int pb) {
        /** Patches per clip along time. */
        public int gridFrames() {
            return frames / pf;
        }

        /** Patches per clip along frequency. */
        public int gridBins() {
            return bins / pb;
        }

        /** P. */
        public int patches() {
            return gridFrames() * gridBins();
        }

        /** Q. */
        public int patchDim() {
            return pf * pb;
        }
    }

    /** Validated frame sizes: B, rows per clip (skip + gF gT), skip, gT, gF, D. */
    public record FrameDims(int batch, int rows, int skip, int gridFrames, int gridBins, int dModel) {
    }

    /** Validated token sizes: B, P, D. */
    public record TokenDims(int batch, int patches, int dModel) {
    }

    /** Checks patchify: x (B, T, F) with T, F multiples of pf, pb; out (B, P, Q). */
    public static PatchDims checkPatchify(Tensor x, int pf, int pb, Tensor out) {
        int[] s = Shapes.requireRank(PATCHIFY, "x", x, 3, "(batch, frames, bins)");
        Shapes.requirePositive(PATCHIFY, "pf", pf);
        Shapes.requirePositive(PATCHIFY, "pb", pb);
        if (s[1] % pf != 0 || s[2] % pb != 0) {
            throw new IllegalArgumentException(PATCHIFY + ": x is " + x.shapeString() + ", frames and bins must be "
                    + "multiples of the patch " + pf + " x " + pb);
        }
        PatchDims d = new PatchDims(s[0], s[1], s[2], pf, pb);
        Shapes.require(PATCHIFY, "out", out, Shapes.names("batch", "patches", "patchDim"), d.batch(), d.patches(),
                d.patchDim());
        Shapes.requireDistinct(PATCHIFY, "out", out, "x", x);
        return d;
    }

    /** {@code out = patchify(x)} (see the class comment). */
    public static void patchify(Backend backend, Tensor x, int pf, int pb, Tensor out) {
        PatchDims d = checkPatchify(x, pf, pb, out);
        switch (backend) {
            case Backend.Ref r -> GatherRef.patchify(d, x, out);
            case Backend.Cpu c -> GatherRef.patchify(d, x, out);
            case Backend.Gpu g -> GatherGpu.patchify(g.context(), d, x, out);
        }
    }

    private static TokenDims checkTokens(String op, Tensor seq, String seqName, Tensor tok, String tokName, Tensor mask) {
        int[] s = Shapes.requireRank(op, seqName, seq, 3, "(batch, len, dModel)");
        if (s[1] < 1) {
            throw new IllegalArgumentException(op + ": " + seqName + " is " + seq.shapeString()
                    + ", expected at least the class token row");
        }
        TokenDims d = new TokenDims(s[0], s[1] - 1, s[2]);
        Shapes.require(op, tokName, tok, Shapes.names("batch", "patches", "dModel"), d.batch(), d.patches(), d.dModel());
        if (mask != null) {
            Shapes.require(op, "mask", mask, Shapes.names("batch", "patches"), d.batch(), d.patches());
        }
        return d;
    }

    private static void requireRow(String op, String arg, Tensor t, int d) {
        if (t == null || t.size() != d) {
            throw new IllegalArgumentException(op + ": " + arg + " is " + (t == null ? "missing (null)" : t.shapeString())
                    + ", expected " + d + " values (dModel)");
        }
    }

    /** {@code seq} from the embedded patches (see the class comment); mask may be null. */
    public static void tokens(Backend backend, Tensor tok, Tensor pos, Tensor cls, Tensor mtok, Tensor mask,
                              Tensor seq) {
        TokenDims d = checkTokens(TOKENS, seq, "seq", tok, "tok", mask);
        if (pos == null || pos.size() != (d.patches() + 1) * d.dModel()) {
            throw new IllegalArgumentException(TOKENS + ": pos is " + (pos == null ? "missing (null)" : pos.shapeString())
                    + ", expected " + (d.patches() + 1) * d.dModel() + " values (len, dModel)");
        }
        requireRow(TOKENS, "cls", cls, d.dModel());
        requireRow(TOKENS, "mtok", mtok, d.dModel());
        for (Tensor in : new Tensor[] {tok, pos, cls, mtok, mask}) {
            Shapes.requireDistinct(TOKENS, "seq", seq, "an input", in);
        }
        switch (backend) {
            case Backend.Ref r -> GatherRef.tokens(d, tok, pos, cls, mtok, mask, seq);
            case Backend.Cpu c -> GatherRef.tokens(d, tok, pos, cls, mtok, mask, seq);
            case Backend.Gpu g -> GatherGpu.tokens(g.context(), d, tok, pos, cls, mtok, mask, seq);
        }
    }

    /** gtok, gcls, gmtok (overwritten) from {@code gseq} (see the class comment); mask may be null. */
    public static void tokensBackward(Backend backend, Tensor gseq, Tensor mask, Tensor gtok, Tensor gcls,
                                      Tensor gmtok) {
        TokenDims d = checkTokens(TOKENS_BACKWARD, gseq, "gseq", gtok, "gtok", mask);
        requireRow(TOKENS_BACKWARD, "gcls", gcls, d.dModel());
        requireRow(TOKENS_BACKWARD, "gmtok", gmtok, d.dModel());
        Tensor[] outs = {gtok, gcls, gmtok};
        String[] names = {"gtok", "gcls", "gmtok"};
        for (int i = 0; i < outs.length; i++) {
            Shapes.requireDistinct(TOKENS_BACKWARD, names[i], outs[i], "gseq", gseq);
            Shapes.requireDistinct(TOKENS_BACKWARD, names[i], outs[i], "mask", mask);
            for (int j = 0; j < i; j++) {
                Shapes.requireDistinct(TOKENS_BACKWARD, names[i], outs[i], names[j], outs[j]);
            }
        }
        switch (backend) {
            case Backend.Ref r -> GatherRef.tokensBackward(d, gseq, mask, gtok, gcls, gmtok);
            case Backend.Cpu c -> GatherRef.tokensBackward(d, gseq, mask, gtok, gcls, gmtok);
            case Backend.Gpu g -> GatherGpu.tokensBackward(g.context(), d, gseq, mask, gtok, gcls, gmtok);
        }
    }

    /**
     * {@code frames[b, t, f D + j] = tokens[b, skip + f gridFrames + t, j]} (see the class comment).
     *
     * @param tokens (B, skip + gridBins gridFrames, D)
     * @param frames (B, gridFrames, gridBins D), overwritten
     */
    public static void tokensToFrames(Backend backend, Tensor tokens, int skip, int gridFrames, int gridBins,
                                      Tensor frames) {
        int[] s = Shapes.requireRank(FRAMES, "tokens", tokens, 3, "(batch, rows, dModel)");
        Shapes.requirePositive(FRAMES, "gridFrames", gridFrames);
        Shapes.requirePositive(FRAMES, "gridBins", gridBins);
        if (skip < 0 || s[1] != skip + gridFrames * gridBins) {
            throw new IllegalArgumentException(FRAMES + ": tokens is " + tokens.shapeString() + ", expected "
                    + (skip + gridFrames * gridBins) + " rows per clip (" + skip + " skipped + " + gridBins + " x "
                    + gridFrames + " patches)");
        }
        FrameDims d = new FrameDims(s[0], s[1], skip, gridFrames, gridBins, s[2]);
        Shapes.require(FRAMES, "frames", frames, Shapes.names("batch", "gridFrames", "featureDim"), d.batch(),
                gridFrames, gridBins * d.dModel());
        Shapes.requireDistinct(FRAMES, "frames", frames, "tokens", tokens);
        switch (backend) {
            case Backend.Ref r -> GatherRef.tokensToFrames(d, tokens, frames);
            case Backend.Cpu c -> GatherRef.tokensToFrames(d, tokens, frames);
            case Backend.Gpu g -> GatherGpu.tokensToFrames(g.context(), d, tokens, frames);
        }
    }
}
