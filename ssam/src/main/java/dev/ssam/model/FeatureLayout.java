package dev.ssam.model;

import dev.ssam.ops.gather.Gather;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * The official {@code forward_features} reshape of encoder tokens into frames, quirk included
 * (SSAM-SPEC section 4): {@code rearrange(x, 'b (f t) d -> b t (f d)', f=gridBins)} applied to
 * tokens stored t gridBins + f. Frame j (0..gridFrames-1) is the concatenation of tokens
 * j, gridFrames + j, 2 gridFrames + j, ... : with the defaults, tokens j, 50 + j, 100 + j, 150 + j,
 * 200 + j, giving (B, 50, 5D). The released weights were evaluated with this order, so it is kept.
 *
 * <p>The map is a permutation, so its adjoint (for the backward pass) is its inverse,
 * {@link #fromFrames}.
 *
 * <pre>{@code
 * Tensor frames = FeatureLayout.toFrames(SsamConfig.tiny(), encoderOut);   // (B, 251, 192) -> (B, 50, 960)
 * }</pre>
 */
public final class FeatureLayout {
    private FeatureLayout() {
    }

    /** Allocates the output; see {@link #toFrames(SsamConfig, Tensor, Tensor)}. */
    public static Tensor toFrames(SsamConfig c, Tensor tokens) {
        Tensor out = Tensor.zeros(tokens.rank() > 0 ? tokens.dim(0) : 0, c.gridFrames(), c.featureDim());
        toFrames(c, tokens, out);
        return out;
    }

    /**
     * out[b, t, f D + d] = tokens[b, s + f gridFrames + t, d], s = 1 when {@code tokens} still holds
     * the class token (which is skipped), else 0.
     *
     * @param tokens (B, P, D) or (B, 1 + P, D), D fastest
     * @param out    (B, gridFrames, gridBins D), overwritten
     */
    public static void toFrames(SsamConfig c, Tensor tokens, Tensor out) {
        toFrames(Backend.ref(), c, tokens, out);
    }

    /**
     * {@link #toFrames(SsamConfig, Tensor, Tensor)} on {@code backend} ({@link Gather#tokensToFrames}):
     * on a GPU the frames are gathered on the device, so the tokens never cross to the host.
     */
    public static void toFrames(Backend backend, SsamConfig c, Tensor tokens, Tensor out) {
        int skip = check("toFrames", "tokens", c, tokens);
        // out's shape and its distinctness from tokens are checked by the op
        Gather.tokensToFrames(backend, tokens, skip, c.gridFrames(), c.gridBins(), out);
    }

    /** Allocates (B, P, D); see {@link #fromFrames(SsamConfig, Tensor, Tensor)}. */
    public static Tensor fromFrames(SsamConfig c, Tensor frames) {
        Tensor out = Tensor.zeros(frames.rank() > 0 ? frames.dim(0) : 0, c.numPatches(), c.dModel());
        fromFrames(c, frames, out);
        return out;
    }

    /**
     * The adjoint (and inverse) of {@link #toFrames}: tokens[b, s + f gridFrames + t, d] =
     * frames[b, t, f D + d]; with a class-token row (s = 1) that row is set to zero.
     *
     * @param frames (B, gridFrames, gridBins D), e.g. the gradient of the features
     * @param tokens (B, P, D) or (B, 1 + P, D), overwritten
     */
    public static void fromFrames(SsamConfig c, Tensor frames, Tensor tokens) {
        int skip = check("fromFrames", "tokens", c, tokens);
        Shapes.require("FeatureLayout.fromFrames", "frames", frames, Shapes.names("batch", "frames", "featureDim"),
                tokens.dim(0), c.gridFrames(), c.featureDim());
        Shapes.requireDistinct("FeatureLayout.fromFrames", "tokens", tokens, "frames", frames);
        move(c, tokens, skip, frames);
    }

    /** Validates (B, P, D) or (B, 1 + P, D); returns the number of leading class tokens. */
    private static int check(String op, String arg, SsamConfig c, Tensor tokens) {
        int[] s = Shapes.requireRank("FeatureLayout." + op, arg, tokens, 3, "(batch, [1 +] patches, dModel)");
        int skip = s[1] == c.seqLen() ? 1 : 0;
        Shapes.require("FeatureLayout." + op, arg, tokens, Shapes.names("batch", skip == 1 ? "1 + patches" : "patches", "dModel"),
                s[0], c.numPatches() + skip, c.dModel());
        return skip;
    }

    private static void move(SsamConfig c, Tensor tokens, int skip, Tensor frames) {
        int d = c.dModel();
        int gt = c.gridFrames();
        int gb = c.gridBins();
        int rows = c.numPatches() + skip;
        float[] tk = tokens.data();
        float[] fr = frames.data();
        for (int b = 0; b < tokens.dim(0); b++) {
            int tkBase = tokens.offset() + b * rows * d;
            int frBase = frames.offset() + b * gt * gb * d;
            if (skip == 1) {
                java.util.Arrays.fill(tk, tkBase, tkBase + d, 0f);
            }
            for (int t = 0; t < gt; t++) {
                for (int f = 0; f < gb; f++) {
                    // frames[b, t, f D :] -> tokens[b, s + f gt + t, :]
                    System.arraycopy(fr, frBase + (t * gb + f) * d, tk, tkBase + (skip + f * gt + t) * d, d);
                }
            }
        }
    }
}
