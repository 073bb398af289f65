package dev.ssam.ops.optim;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * One fused, in-place AdamW step on one tensor, reproducing {@code torch.optim.AdamW}'s
 * single-tensor path ({@code _single_tensor_adam} with decoupled weight decay, no amsgrad) in
 * float32, operation by operation:
 *
 * <pre>
 *   param = param * (1 - lr wd)                           (skipped when wd = 0)
 *   m     = m.lerp(g, 1 - beta1)  = m + (1 - beta1)(g - m)     one fma, as torch's vector lerp
 *   v     = v * beta2 + ((1 - beta2) g) g                    (mul_ then addcmul_)
 *   denom = sqrt(v) / sqrt(1 - beta2^step) + eps
 *   param = param + (-(lr / (1 - beta1^step)) m) / denom     (addcdiv_)
 * </pre>
 *
 * <p>The scalar factors ({@code 1 - lr wd}, {@code 1 - beta1}, the bias corrections, the step
 * size) are computed in double and rounded to float where torch hands them to a float kernel.
 * Torch's hyperparameters are Python floats (doubles): each float argument here is read as the
 * double of its shortest decimal representation ({@code 0.95f -> 0.95}), so the factors round
 * exactly as torch's do. For lerp weights of 0.5 or more torch's other branch,
 * {@code g - (g - m)(1 - w)}, is used likewise.
 *
 * <p>Shapes: {@code param, grad, m, v}: one shape, any rank; m and v are the optimiser state
 * (zeros before step 1). param, m and v are updated in place; grad is read only. No two may
 * overlap. {@code step} counts from 1. Ref and Cpu give bitwise equal results (every operation is
 * an IEEE single rounding). NaN in grad propagates into m, v and param.
 *
 * <pre>{@code
 * AdamW.step(cpu, w, gw, mw, vw, 1, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.05f);
 * }</pre>
 */
public final class AdamW {
    static final String OP = "adamW";

    private AdamW() {
    }

    /**
     * Validated sizes and the float factors of one step.
     *
     * @param size     elements
     * @param decay    {@code 1 - lr wd}, or 1 when wd = 0 (not applied)
     * @param decays   whether wd is not zero
     * @param weight1  lerp weight {@code 1 - beta1}
     * @param beta2    beta2
     * @param weight2  {@code 1 - beta2}
     * @param negStep  {@code -lr / (1 - beta1^step)}
     * @param bc2Sqrt  {@code sqrt(1 - beta2^step)}
     * @param eps      eps
     */
    public record Dims(int size, float decay, boolean decays, float weight1, float beta2, float weight2,
                       float negStep, float bc2Sqrt, float eps) {
    }

    /** Validates the tensors and hyperparameters and computes the step's factors. */
    public static Dims check(Tensor param, Tensor grad, Tensor m, Tensor v, int step, float lr, float beta1,
                             float beta2, float eps, float weightDecay) {
        if (param == null) {
            throw new IllegalArgumentException(OP + ": param is missing (null)");
        }
        int[] shape = param.shape();
        Shapes.require(OP, "grad", grad, null, shape);
        Shapes.require(OP, "m", m, null, shape);
        Shapes.require(OP, "v", v, null, shape);
        Shapes.requireDistinct(OP, "param", param, "grad", grad);
        Shapes.requireDistinct(OP, "m", m, "param", param);
        Shapes.requireDistinct(OP, "m", m, "grad", grad);
        Shapes.requireDistinct(OP, "v", v, "param", param);
        Shapes.requireDistinct(OP, "v", v, "grad", grad);
        Shapes.requireDistinct(OP, "v", v, "m", m);
        Shapes.requirePositive(OP, "step", step);
        requireRange("lr", lr, 0, Double.MAX_VALUE);
        requireRange("beta1", beta1, 0, 1);
        requireRange("beta2", beta2, 0, 1);
        requireRange("eps", eps, 0, Double.MAX_VALUE);
        requireRange("weightDecay", weightDecay, 0, Double.MAX_VALUE);
        double lrD = decimal(lr);
        double b1 = decimal(beta1);
        double b2 = decimal(beta2);
        double wd = decimal(weightDecay);
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        return new Dims(param.size(), (float) (1 - lrD * wd), wd != 0, (float) (1 - b1), (float) b2,
                (float) (1 - b2), (float) -(lrD / bc1), (float) Math.sqrt(bc2), (float) decimal(eps));
    }

    /**
     * Applies one AdamW step in place to {@code param}, {@code m}, {@code v}.
     *
     * @param step 1 for the first update
     */
    public static void step(Backend backend, Tensor param, Tensor grad, Tensor m, Tensor v, int step, float lr,
                            float beta1, float beta2, float eps, float weightDecay) {
        Dims d = check(param, grad, m, v, step, lr, beta1, beta2, eps, weightDecay);
        switch (backend) {
            case Backend.Ref r -> AdamWRef.step(d, param, grad, m, v);
            case Backend.Cpu c -> AdamWCpu.step(c, d, param, grad, m, v);
            case Backend.Gpu g -> AdamWGpu.step(g.context(), d, param, grad, m, v);
        }
    }

    /** The double torch would hold for a hyperparameter written as {@code f} in Python. */
    static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private static void requireRange(String arg, float value, double min, double maxExclusive) {
        if (!(value >= min && value < maxExclusive)) {
            throw new IllegalArgumentException(OP + ": " + arg + " is " + value + ", expected a value in ["
                    + min + ", " + (maxExclusive == Double.MAX_VALUE ? "inf" : maxExclusive) + ")");
        }
    }
}
