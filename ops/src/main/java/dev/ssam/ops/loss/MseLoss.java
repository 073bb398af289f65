package dev.ssam.ops.loss;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * Mean squared error of the patch reconstruction objective (SSAM-SPEC section 5).
 *
 * <pre>
 *   all    = (1 / (B P V)) sum_{b,p,v} (pred - target)^2                       (the official trainer's loss)
 *   masked = sum_{b,p} mask[b,p] (1/V) sum_v (pred - target)^2 / sum_{b,p} mask[b,p]   (the MAE loss)
 * </pre>
 *
 * <p>Shapes: {@code pred, target: (B, P, V)} (P = 250 patches, V = 64 values, V fastest);
 * {@code mask: (B, P)}, 1 = masked (any non-negative weights work; their sum must be positive);
 * {@code gpred}: the shape of pred. The official code: {@code ((pred - target) ** 2).mean()} and
 * MAE's {@code forward_loss} ({@code loss.mean(dim=-1); (loss * mask).sum() / mask.sum()}).
 *
 * <p>Forward returns the loss as a double: squared differences ({@code pred - target} in float,
 * as torch) accumulated in double per patch, patches added in order. Backward overwrites
 * {@code gpred = upstream * dLoss/dpred} in float, in autograd's order:
 * all: {@code (upstream / N) * (2 (pred - target))}; masked:
 * {@code ((upstream / sum(mask)) * mask[b,p] / V) * (2 (pred - target))}. Ref and Cpu give
 * bitwise equal gradients.
 *
 * <p>Deviation: torch returns NaN for a mask with no masked patch; here that is an
 * {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * double loss = MseLoss.all(cpu, pred, target);      // (B, 250, 64)
 * MseLoss.allBackward(cpu, pred, target, gpred);
 * }</pre>
 */
public final class MseLoss {
    static final String OP = "mseLoss";

    private MseLoss() {
    }

    /**
     * Validated sizes.
     *
     * @param batch   B
     * @param patches P
     * @param values  V
     */
    public record Dims(int batch, int patches, int values) {
        int rows() {
            return batch * patches;
        }
    }

    /** Validates {@code pred (B, P, V)}, {@code target} (same shape) and, when not null, {@code mask (B, P)}. */
    public static Dims check(Tensor pred, Tensor target, Tensor mask) {
        int[] s = Shapes.requireRank(OP, "pred", pred, 3, "(batch B, patches P, values V)");
        Dims d = new Dims(s[0], s[1], s[2]);
        Shapes.require(OP, "target", target, names(), s);
        if (mask != null) {
            Shapes.require(OP, "mask", mask, Shapes.names("batch", "patches"), d.batch(), d.patches());
        }
        return d;
    }

    /** Mean over all B P V squared errors. */
    public static double all(Backend backend, Tensor pred, Tensor target) {
        Dims d = check(pred, target, null);
        double[] patch = patchSums(backend, d, pred, target);
        double total = 0;
        for (double p : patch) {
            total += p;
        }
        return total / ((double) d.rows() * d.values());
    }

    /** Mean over masked patches of each patch's mean squared error. */
    public static double masked(Backend backend, Tensor pred, Tensor target, Tensor mask) {
        Dims d = checkMasked(pred, target, mask);
        double[] patch = patchSums(backend, d, pred, target);
        double total = 0;
        double count = 0;
        for (int i = 0; i < d.rows(); i++) {
            double w = mask.data()[mask.offset() + i];
            total += patch[i] / d.values() * w;
            count += w;
        }
        return total / count;
    }

    /** {@code gpred = dAll/dpred} (upstream gradient 1). */
    public static void allBackward(Backend backend, Tensor pred, Tensor target, Tensor gpred) {
        allBackward(backend, pred, target, 1f, gpred);
    }

    /** {@code gpred = upstream * dAll/dpred}. */
    public static void allBackward(Backend backend, Tensor pred, Tensor target, float upstream, Tensor gpred) {
        Dims d = check(pred, target, null);
        checkGrad(pred, target, null, gpred);
        float[] scale = new float[d.rows()];
        java.util.Arrays.fill(scale, upstream / ((float) d.rows() * d.values()));
        rowScaled(backend, d, pred, target, scale, gpred);
    }

    /** {@code gpred = dMasked/dpred} (upstream gradient 1). */
    public static void maskedBackward(Backend backend, Tensor pred, Tensor target, Tensor mask, Tensor gpred) {
        maskedBackward(backend, pred, target, mask, 1f, gpred);
    }

    /** {@code gpred = upstream * dMasked/dpred}. */
    public static void maskedBackward(Backend backend, Tensor pred, Tensor target, Tensor mask, float upstream,
                                      Tensor gpred) {
        Dims d = checkMasked(pred, target, mask);
        checkGrad(pred, target, mask, gpred);
        float count = 0f;
        for (int i = 0; i < d.rows(); i++) {
            count += mask.data()[mask.offset() + i];
        }
        float perCount = upstream / count;
        float[] scale = new float[d.rows()];
        for (int i = 0; i < d.rows(); i++) {
            scale[i] = perCount * mask.data()[mask.offset() + i] / d.values();
        }
        rowScaled(backend, d, pred, target, scale, gpred);
    }

    private static double[] patchSums(Backend backend, Dims d, Tensor pred, Tensor target) {
        return switch (backend) {
            case Backend.Ref r -> MseLossRef.patchSums(d, pred, target);
            case Backend.Cpu c -> MseLossCpu.patchSums(c, d, pred, target);
            case Backend.Gpu g -> MseLossGpu.patchSums(g.context(), d, pred, target);
        };
    }

    private static void rowScaled(Backend backend, Dims d, Tensor pred, Tensor target, float[] scale, Tensor gpred) {
        switch (backend) {
            case Backend.Ref r -> MseLossRef.gradient(d, pred, target, scale, gpred);
            case Backend.Cpu c -> MseLossCpu.gradient(c, d, pred, target, scale, gpred);
            case Backend.Gpu g -> MseLossGpu.gradient(g.context(), d, pred, target, scale, gpred);
        }
    }

    private static Dims checkMasked(Tensor pred, Tensor target, Tensor mask) {
        if (mask == null) {
            throw new IllegalArgumentException(OP + ": mask is missing (null), expected (batch B, patches P)");
        }
        Dims d = check(pred, target, mask);
        double count = 0;
        for (int i = 0; i < d.rows(); i++) {
            count += mask.data()[mask.offset() + i];
        }
        if (!(count > 0) || Double.isInfinite(count)) {
            throw new IllegalArgumentException(OP + ": mask " + mask.shapeString() + " sums to " + count
                    + ", expected a positive number of masked patches");
        }
        return d;
    }

    private static void checkGrad(Tensor pred, Tensor target, Tensor mask, Tensor gpred) {
        Shapes.require(OP, "gpred", gpred, names(), pred.shape());
        Shapes.requireDistinct(OP, "gpred", gpred, "pred", pred);
        Shapes.requireDistinct(OP, "gpred", gpred, "target", target);
        Shapes.requireDistinct(OP, "gpred", gpred, "mask", mask);
    }

    private static String[] names() {
        return Shapes.names("batch", "patches", "values");
    }
}
