package dev.ssam.ops.act;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * The pointwise activations of SSAM, forward and backward, on tensors of any shape (the
 * elements are treated as one flat run; {@code x}, {@code out}, {@code gout}, {@code gx} all
 * have the same shape).
 *
 * <table>
 * <caption>activations</caption>
 * <tr><th>act</th><th>forward</th><th>d/dx</th><th>official</th><th>used for</th></tr>
 * <tr><td>{@link #SILU}</td><td>x / (1 + e^-x)</td><td>s (1 + x (1 - s)), s = sigmoid(x)</td>
 *     <td>{@code F.silu}</td><td>conv output, the z gate</td></tr>
 * <tr><td>{@link #GELU}</td><td>x/2 (1 + erf(x / sqrt 2))</td><td>Phi(x) + x phi(x)</td>
 *     <td>{@code nn.GELU()} (approximate='none')</td><td>prediction head</td></tr>
 * <tr><td>{@link #SOFTPLUS}</td><td>x &gt; 20 ? x : log1p(e^x)</td><td>x &gt; 20 ? 1 : e^x / (e^x + 1)</td>
 *     <td>{@code F.softplus} (beta 1, threshold 20)</td><td>delta in the mixer</td></tr>
 * </table>
 *
 * <p>Backward: {@code gx = gout * act'(x)}, overwriting {@code gx}. Outputs must not overlap
 * inputs. NaN propagates; {@code GELU(+-inf) = +inf / NaN} as in torch ({@code -inf * 0}).
 * Deviation: erf is a float approximation within about 1 ulp ({@link VectorMath#erf(float)});
 * torch's CPU kernel uses its own vectorised approximation of the same accuracy class.
 *
 * <pre>{@code
 * Activation.forward(cpu, Activation.GELU, h, out);        // h, out: (M, D)
 * Activation.backward(cpu, Activation.GELU, h, gout, gh);
 * }</pre>
 */
public enum Activation {
    /** x * sigmoid(x). */
    SILU,
    /** Exact (erf) GELU. */
    GELU,
    /** log(1 + e^x), the identity above 20. */
    SOFTPLUS;

    /** Validated sizes: {@code size} elements. */
    public record Dims(int size) {
    }

    /** The scalar activation (the Ref definition). */
    public float apply(float x) {
        return switch (this) {
            case SILU -> VectorMath.silu(x);
            case GELU -> VectorMath.gelu(x);
            case SOFTPLUS -> VectorMath.softplus(x);
        };
    }

    /** The scalar derivative d act / dx (the Ref definition). */
    public float derivative(float x) {
        return switch (this) {
            case SILU -> VectorMath.siluGrad(x);
            case GELU -> VectorMath.geluGrad(x);
            case SOFTPLUS -> VectorMath.softplusGrad(x);
        };
    }

    private String op() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Checks that {@code out} (and {@code gout}, when not null) has the shape of {@code x} and
     * does not overlap the inputs.
     */
    public static Dims check(Activation act, Tensor x, Tensor gout, Tensor out) {
        String op = act.op();
        if (x == null) {
            throw new IllegalArgumentException(op + ": x is missing (null)");
        }
        int[] shape = x.shape();
        if (gout != null) {
            Shapes.require(op, "gout", gout, null, shape);
        }
        Shapes.require(op, "out", out, null, shape);
        Shapes.requireDistinct(op, "out", out, "x", x);
        Shapes.requireDistinct(op, "out", out, "gout", gout);
        return new Dims(x.size());
    }

    /** {@code out = act(x)}. */
    public static void forward(Backend backend, Activation act, Tensor x, Tensor out) {
        Dims d = check(act, x, null, out);
        switch (backend) {
            case Backend.Ref r -> ActivationRef.forward(act, d, x, out);
            case Backend.Cpu c -> ActivationCpu.forward(c, act, d, x, out);
            case Backend.Gpu g -> ActivationGpu.forward(g.context(), act, d, x, out);
        }
    }

    /** {@code gx = gout * act'(x)}. */
    public static void backward(Backend backend, Activation act, Tensor x, Tensor gout, Tensor gx) {
        Dims d = check(act, x, gout, gx);
        switch (backend) {
            case Backend.Ref r -> ActivationRef.backward(act, d, x, gout, gx);
            case Backend.Cpu c -> ActivationCpu.backward(c, act, d, x, gout, gx);
            case Backend.Gpu g -> ActivationGpu.backward(g.context(), act, d, x, gout, gx);
        }
    }
}
