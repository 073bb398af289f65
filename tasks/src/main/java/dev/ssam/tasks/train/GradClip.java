package dev.ssam.tasks.train;

import dev.ssam.model.SsamParams;
import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.ops.reduce.Reduce;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

/**
 * Global gradient-norm clipping, as {@code torch.nn.utils.clip_grad_norm_} (which the official
 * trainer calls only when a {@code clip_grad_value} is configured; the released recipe does not):
 *
 * <pre>
 *   norm = sqrt(sum over every gradient element of g^2)
 *   if maxNorm / (norm + 1e-6) &lt; 1:  g = g * maxNorm / (norm + 1e-6)
 * </pre>
 * The frozen {@code pos_embed}'s gradient is zero, so it adds nothing to the norm.
 *
 * <pre>{@code
 * double norm = GradClip.clip(backend, grads, 1.0);
 * }</pre>
 */
public final class GradClip {
    /** Added to the norm before dividing, as torch does. */
    public static final double EPS = 1e-6;

    private GradClip() {
    }

    /** The global L2 norm of {@code grads}. */
    public static double norm(Backend backend, SsamParams grads) {
        return Reduce.l2Norm(backend, grads.flat());
    }

    /**
     * Scales {@code grads} in place so their global norm is at most {@code maxNorm}.
     *
     * @return the norm before clipping
     */
    public static double clip(Backend backend, SsamParams grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipGrad: max norm is " + maxNorm + ", expected > 0");
        }
        Tensor flat = grads.flat();
        double norm = Reduce.l2Norm(backend, flat);
        double coef = maxNorm / (norm + EPS);
        if (coef < 1) {
            Elementwise.scale(backend, flat, (float) coef, flat);
        }
        return norm;
    }
}
