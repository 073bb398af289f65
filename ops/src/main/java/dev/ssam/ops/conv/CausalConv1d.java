package dev.ssam.ops.conv;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * Depthwise causal 1-D convolution over time with an optional fused SiLU: the mixer's
 * {@code conv1d} (mamba_ssm {@code causal_conv1d_fn(x, weight, bias, activation="silu")}, i.e.
 * {@code nn.Conv1d(E, E, K, groups=E, padding=K-1)} truncated to the first L outputs).
 *
 * <pre>
 *   pre[b,t,e] = bias[e] + sum_{k=0..K-1} w[e,k] * x[b, t-(K-1)+k, e]     (x = 0 for negative time)
 *   out[b,t,e] = silu ? SiLU(pre[b,t,e]) : pre[b,t,e]
 * </pre>
 *
 * <p>Shapes (row-major, last index fastest):
 * {@code x: (B, L, E)} token-major, E fastest; {@code weight: (E, K)} (the official
 * {@code conv1d.weight (E, 1, K)} viewed as (E, K)); {@code bias: (E)} or null;
 * {@code out: (B, L, E)}. Any {@code K >= 1} (4 in SSAM).
 *
 * <p>Backward of {@code loss = sum(out * gout)}: with {@code g = gout * SiLU'(pre)} (pre is
 * recomputed from x), {@code gx[b,s,e] = sum_k w[e,k] g[b, s+(K-1)-k, e]},
 * {@code gw[e,k] = sum_{b,t} g[b,t,e] x[b, t-(K-1)+k, e]}, {@code gbias[e] = sum_{b,t} g[b,t,e]}
 * (sums over b, then t ascending). Each of gx, gw, gbias may be null (not computed); those
 * given are overwritten.
 *
 * <p>Deviations from the official code: the layout is token-major (B, L, E) instead of
 * (B, E, L), so the Cpu kernel vectorises across channels; nothing else.
 *
 * <pre>{@code
 * Tensor w = conv1dWeight.reshape(576, 4);                   // (E, 1, K) -> (E, K)
 * CausalConv1d.forward(cpu, x, w, bias, true, out);          // x, out: (B, 251, 576)
 * CausalConv1d.backward(cpu, x, w, bias, true, gout, gx, gw, gbias);
 * }</pre>
 */
public final class CausalConv1d {
    static final String OP = "causalConv1d";

    private CausalConv1d() {
    }

    /**
     * Validated sizes.
     *
     * @param batch    B
     * @param len      L
     * @param channels E
     * @param kernel   K
     */
    public record Dims(int batch, int len, int channels, int kernel) {
    }

    /**
     * Validates {@code x (B, L, E)}, {@code weight (E, K)}, {@code bias (E)} (nullable) and
     * {@code out (B, L, E)}, which must not overlap the inputs.
     */
    public static Dims check(Tensor x, Tensor weight, Tensor bias, Tensor out) {
        Dims d = checkInputs(x, weight, bias);
        Shapes.require(OP, "out", out, names(), d.batch(), d.len(), d.channels());
        requireNoOverlap("out", out, x, weight, bias);
        return d;
    }

    private static Dims checkInputs(Tensor x, Tensor weight, Tensor bias) {
        int[] xs = Shapes.requireRank(OP, "x", x, 3, "(batch B, len L, channels E)");
        int[] ws = Shapes.requireRank(OP, "weight", weight, 2, "(channels E, kernel K)");
        Dims d = new Dims(xs[0], xs[1], xs[2], ws[1]);
        Shapes.require(OP, "weight", weight, Shapes.names("channels", "kernel"), d.channels(), d.kernel());
        if (bias != null) {
            Shapes.require(OP, "bias", bias, Shapes.names("channels"), d.channels());
        }
        return d;
    }

    /** {@code out = [SiLU](causal depthwise conv of x)}, overwriting out. */
    public static void forward(Backend backend, Tensor x, Tensor weight, Tensor bias, boolean silu, Tensor out) {
        Dims d = check(x, weight, bias, out);
        switch (backend) {
            case Backend.Ref r -> CausalConv1dRef.forward(d, x, weight, bias, silu, out);
            case Backend.Cpu c -> CausalConv1dCpu.forward(c, d, x, weight, bias, silu, out);
            case Backend.Gpu g -> CausalConv1dGpu.forward(g.context(), d, x, weight, bias, silu, out);
        }
    }

    /**
     * Gradients of {@code sum(out * gout)}: {@code gx (B, L, E)}, {@code gw (E, K)},
     * {@code gbias (E)}; each may be null. {@code bias} is only read to recompute the SiLU input.
     */
    public static void backward(Backend backend, Tensor x, Tensor weight, Tensor bias, boolean silu, Tensor gout,
                                Tensor gx, Tensor gw, Tensor gbias) {
        Dims d = checkInputs(x, weight, bias);
        Shapes.require(OP, "gout", gout, names(), d.batch(), d.len(), d.channels());
        if (gx != null) {
            Shapes.require(OP, "gx", gx, names(), d.batch(), d.len(), d.channels());
            requireNoOverlap("gx", gx, x, weight, bias);
            Shapes.requireDistinct(OP, "gx", gx, "gout", gout);
        }
        if (gw != null) {
            Shapes.require(OP, "gw", gw, Shapes.names("channels", "kernel"), d.channels(), d.kernel());
            requireNoOverlap("gw", gw, x, weight, bias);
            Shapes.requireDistinct(OP, "gw", gw, "gout", gout);
            Shapes.requireDistinct(OP, "gw", gw, "gx", gx);
        }
        if (gbias != null) {
            Shapes.require(OP, "gbias", gbias, Shapes.names("channels"), d.channels());
            requireNoOverlap("gbias", gbias, x, weight, bias);
            Shapes.requireDistinct(OP, "gbias", gbias, "gout", gout);
            Shapes.requireDistinct(OP, "gbias", gbias, "gx", gx);
            Shapes.requireDistinct(OP, "gbias", gbias, "gw", gw);
        }
        switch (backend) {
            case Backend.Ref r -> CausalConv1dRef.backward(d, x, weight, bias, silu, gout, gx, gw, gbias);
            case Backend.Cpu c -> CausalConv1dCpu.backward(c, d, x, weight, bias, silu, gout, gx, gw, gbias);
            case Backend.Gpu g -> CausalConv1dGpu.backward(g.context(), d, x, weight, bias, silu, gout, gx, gw,
                    gbias);
        }
    }

    private static String[] names() {
        return Shapes.names("batch", "len", "channels");
    }

    private static void requireNoOverlap(String arg, Tensor t, Tensor x, Tensor weight, Tensor bias) {
        Shapes.requireDistinct(OP, arg, t, "x", x);
        Shapes.requireDistinct(OP, arg, t, "weight", weight);
        Shapes.requireDistinct(OP, arg, t, "bias", bias);
    }
}
