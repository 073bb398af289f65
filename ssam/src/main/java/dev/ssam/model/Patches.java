package dev.ssam.model;

import dev.ssam.ops.gather.Gather;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * Cuts log-mel windows into the flattened 4 x 16 patches the patch embedding and the
 * reconstruction target use (SSAM-SPEC section 2; the official {@code BaseSSAST.patchify} with
 * {@code frequency_first=False}).
 *
 * <p>Token k = t gridBins + f covers frames [t pf, t pf + pf) and bins [f pb, f pb + pb); its value
 * i pb + j is logmel[t pf + i, f pb + j]. With the defaults: (B, 200, 80) to (B, 250, 64).
 *
 * <pre>{@code
 * Tensor x = Tensor.zeros(2, 200, 80);                              // (B, T, F)
 * Tensor patches = Patches.patchify(SsamConfig.tiny(), x);         // (B, P, Q) = (2, 250, 64)
 * }</pre>
 */
public final class Patches {
    private Patches() {
    }

    /** Allocates the output; see {@link #patchify(SsamConfig, Tensor, Tensor)}. */
    public static Tensor patchify(SsamConfig c, Tensor logmel) {
        Tensor out = Tensor.zeros(logmel.rank() > 0 ? logmel.dim(0) : 0, c.numPatches(), c.patchDim());
        patchify(c, logmel, out);
        return out;
    }

    /**
     * Writes the patches of {@code logmel} into {@code out}.
     *
     * @param logmel (B, T, F), F fastest: T = frames, F = melBins
     * @param out    (B, P, Q), overwritten: P = numPatches, Q = patchDim
     */
    public static void patchify(SsamConfig c, Tensor logmel, Tensor out) {
        int b = Shapes.requireRank("patchify", "logmel", logmel, 3, "(batch, frames, melBins)")[0];
        Shapes.require("patchify", "logmel", logmel, Shapes.names("batch", "frames", "melBins"), b, c.frames(), c.melBins());
        Shapes.require("patchify", "out", out, Shapes.names("batch", "patches", "patchDim"), b, c.numPatches(), c.patchDim());
        Shapes.requireDistinct("patchify", "out", out, "logmel", logmel);
        copy(c, logmel, out, true);
    }

    /** {@link #patchify(SsamConfig, Tensor, Tensor)} on {@code backend} ({@link Gather#patchify}: a GPU keeps both on the device). */
    public static void patchify(Backend backend, SsamConfig c, Tensor logmel, Tensor out) {
        int b = Shapes.requireRank("patchify", "logmel", logmel, 3, "(batch, frames, melBins)")[0];
        Shapes.require("patchify", "logmel", logmel, Shapes.names("batch", "frames", "melBins"), b, c.frames(), c.melBins());
        Gather.patchify(backend, logmel, c.patchFrames(), c.patchBins(), out);
    }

    /** Allocates the output; see {@link #unpatchify(SsamConfig, Tensor, Tensor)}. */
    public static Tensor unpatchify(SsamConfig c, Tensor patches) {
        Tensor out = Tensor.zeros(patches.rank() > 0 ? patches.dim(0) : 0, c.frames(), c.melBins());
        unpatchify(c, patches, out);
        return out;
    }

    /**
     * The inverse of {@link #patchify}: reassembles (B, P, Q) patches (a prediction, say) into
     * (B, T, F) log-mels.
     *
     * @param patches (B, P, Q)
     * @param out     (B, T, F), overwritten
     */
    public static void unpatchify(SsamConfig c, Tensor patches, Tensor out) {
        int b = Shapes.requireRank("unpatchify", "patches", patches, 3, "(batch, patches, patchDim)")[0];
        Shapes.require("unpatchify", "patches", patches, Shapes.names("batch", "patches", "patchDim"), b, c.numPatches(), c.patchDim());
        Shapes.require("unpatchify", "out", out, Shapes.names("batch", "frames", "melBins"), b, c.frames(), c.melBins());
        Shapes.requireDistinct("unpatchify", "out", out, "patches", patches);
        copy(c, out, patches, false);
    }

    /** Moves one patch row (pb contiguous bins) at a time between the two layouts. */
    private static void copy(SsamConfig c, Tensor logmel, Tensor patches, boolean toPatches) {
        int pf = c.patchFrames();
        int pb = c.patchBins();
        int bins = c.melBins();
        int q = c.patchDim();
        int batch = logmel.dim(0);
        float[] lm = logmel.data();
        float[] pa = patches.data();
        for (int bi = 0; bi < batch; bi++) {
            int lmBase = logmel.offset() + bi * c.frames() * bins;
            int paBase = patches.offset() + bi * c.numPatches() * q;
            for (int t = 0; t < c.gridFrames(); t++) {
                for (int f = 0; f < c.gridBins(); f++) {
                    int token = t * c.gridBins() + f;
                    for (int i = 0; i < pf; i++) {
                        int src = lmBase + (t * pf + i) * bins + f * pb; // logmel[t pf + i, f pb]
                        int dst = paBase + token * q + i * pb;           // patches[token, i pb]
                        if (toPatches) {
                            System.arraycopy(lm, src, pa, dst, pb);
                        } else {
                            System.arraycopy(pa, dst, lm, src, pb);
                        }
                    }
                }
            }
        }
    }
}
