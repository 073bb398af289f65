package dev.ssam.model;

import dev.ssam.runtime.Tensor;

/**
 * The fixed 2-D sine-cosine position embedding of SSAM ({@code pos_embed}, SSAM-SPEC section 2),
 * as the official {@code get_2d_sincos_pos_embed} (MAE's pos_embed.py) computes it.
 *
 * <p>Row 0 belongs to the class token and is zero. Row 1 + k is patch token k = t gridBins + f.
 * With Q = D / 4 and w_j = 1 / 10000^(j / Q), j in [0, Q): columns [0, Q) hold sin(f w_j),
 * [Q, 2Q) cos(f w_j), [2Q, 3Q) sin(t w_j), [3Q, 4Q) cos(t w_j). The frequency index comes first:
 * the official code meshgrids (w, h) = (bins, frames) and encodes grid[0] first, an inherited quirk
 * that the released weights were trained with.
 *
 * <p>The official code computes in numpy float32: positions, w_j (via numpy's float32 power),
 * their products, then sin and cos. This class rounds the same intermediates to float but takes the
 * power, sin and cos in double, rounded once. numpy's vectorised float32 power (SVML on AVX-512
 * machines, where the golden files were made) is not correctly rounded: for about a quarter of the
 * j at D = 192 its w_j is one ulp away, which moves t w_j by an ulp and sin/cos by up to 3.8e-6
 * (measured against the tiny golden {@code pos_embed}; 6e-8 for micro). Checkpoints carry their own
 * {@code pos_embed}, which loading uses, so this only concerns models initialised here.
 *
 * <pre>{@code
 * Tensor pos = PositionEmbedding.sinCos2d(SsamConfig.tiny());   // (251, 192)
 * }</pre>
 */
public final class PositionEmbedding {
    private PositionEmbedding() {
    }

    /** The (L, D) embedding for {@code c}: L = 1 + numPatches, row 0 zero. */
    public static Tensor sinCos2d(SsamConfig c) {
        int d = c.dModel();
        int q = d / 4;
        float[] omega = new float[q]; // (Q): w_j in float32, as numpy computes it
        for (int j = 0; j < q; j++) {
            float e = (float) j / (float) q;
            omega[j] = 1f / (float) Math.pow(10000.0, e);
        }
        Tensor out = Tensor.zeros(c.seqLen(), d); // (L, D)
        float[] o = out.data();
        for (int t = 0; t < c.gridFrames(); t++) {
            for (int f = 0; f < c.gridBins(); f++) {
                int row = (1 + t * c.gridBins() + f) * d;
                for (int j = 0; j < q; j++) {
                    float af = (float) f * omega[j];
                    float at = (float) t * omega[j];
                    o[row + j] = (float) Math.sin(af);
                    o[row + q + j] = (float) Math.cos(af);
                    o[row + 2 * q + j] = (float) Math.sin(at);
                    o[row + 3 * q + j] = (float) Math.cos(at);
                }
            }
        }
        return out;
    }
}
