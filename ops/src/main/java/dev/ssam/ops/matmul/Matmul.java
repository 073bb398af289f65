package dev.ssam.ops.matmul;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

import java.util.Arrays;

/**
 * A linear layer, PyTorch {@code nn.Linear} / {@code F.linear(x, w, bias)}: every projection of
 * the model (the mixer's in_proj, x_proj, dt_proj and out_proj, the patch embedding, the
 * prediction head).
 *
 * <pre>
 *   out[m, n] = sum_{k} x[m, k] * w[n, k] + bias[n]          (out = x w^T + bias)
 * </pre>
 *
 * <p>Shapes (row-major, last index fastest): {@code x: (..., K)} of any rank >= 2, whose leading
 * dimensions flatten into {@code M} rows (e.g. {@code (B, L, D)}, M = B*L);
 * {@code w: (N, K)}, the official weight layout ({@code out_features, in_features});
 * {@code bias: (N)} or null; {@code out: (..., N)} with x's leading dimensions.
 *
 * <p>Backward of {@code loss = sum(out * gout)}:
 * <pre>
 *   gx = gout w          (M, K)     gw = gout^T x      (N, K)     gbias[n] = sum_m gout[m, n]
 * </pre>
 * Each output may be null (skipped); those given are overwritten. gbias sums rows in ascending
 * m order in float on every backend (so Ref and Cpu agree bitwise and thread count does not
 * matter). Both products go through {@link Gemm}, whose numerics note applies.
 *
 * <p>No deviation from the official layer.
 *
 * <pre>{@code
 * Matmul.linear(cpu, u, inProjW, null, xz);                        // u (B, L, 192), w (1152, 192), xz (B, L, 1152)
 * Matmul.linearBackward(cpu, u, inProjW, gxz, gu, gInProjW, null);
 * }</pre>
 */
public final class Matmul {
    static final String OP = "linear";
    static final String OP_BACKWARD = "linearBackward";

    private Matmul() {
    }

    /**
     * Validated sizes.
     *
     * @param m rows: the product of x's leading dimensions
     * @param n output features N
     * @param k input features K
     */
    public record Dims(int m, int n, int k) {
    }

    /**
     * Validates {@code x (..., K)}, {@code w (N, K)}, {@code bias (N)} (nullable) and
     * {@code out (..., N)}, which must not overlap the inputs.
     */
    public static Dims check(Tensor x, Tensor w, Tensor bias, Tensor out) {
        Dims d = checkInputs(OP, x, w, bias);
        requireRows(OP, "out", out, x, d.n());
        Shapes.requireDistinct(OP, "out", out, "x", x);
        Shapes.requireDistinct(OP, "out", out, "w", w);
        Shapes.requireDistinct(OP, "out", out, "bias", bias);
        return d;
    }

    private static Dims checkInputs(String op, Tensor x, Tensor w, Tensor bias) {
        if (x == null) {
            throw new IllegalArgumentException(op + ": x is missing (null), expected (..., K)");
        }
        Shapes.requireRank(op, "x", x, Math.max(2, x.rank()), "(..., in features K)");
        Shapes.requireRank(op, "w", w, 2, "(out features N, in features K)");
        int k = x.dim(-1);
        int n = w.dim(0);
        Shapes.require(op, "w", w, Shapes.names("N", "K"), n, k);
        if (bias != null) {
            Shapes.require(op, "bias", bias, Shapes.names("N"), n);
        }
        return new Dims(x.size() / k, n, k);
    }

    /** Requires {@code t} to have x's leading dimensions and a last dimension {@code last}. */
    private static void requireRows(String op, String arg, Tensor t, Tensor x, int last) {
        int[] expected = x.shape();
        expected[expected.length - 1] = last;
        if (t == null || !t.hasShape(expected)) {
            throw new IllegalArgumentException(op + ": " + arg + " is " + (t == null ? "missing (null)" : t.shapeString())
                    + ", expected " + Arrays.toString(expected) + " (x's leading dimensions, then " + last + ")");
        }
    }

    /** {@code out = x w^T + bias}, overwriting out. */
    public static void linear(Backend backend, Tensor x, Tensor w, Tensor bias, Tensor out) {
        Dims d = check(x, w, bias, out);
        Gemm.Dims g = new Gemm.Dims(false, true, d.m(), d.n(), d.k(), d.k(), d.k(), d.n());
        Gemm.run(backend, g, 1f, x, w, 0f, out, bias);
    }

    /**
     * {@code out += x w^T} (no bias): a linear layer added into what {@code out} holds, one GEMM with
     * beta = 1, e.g. a block's output projection straight into the residual stream, where
     * {@link #linear} into a temporary and an add would write and read it once more. Shapes as
     * {@link #linear}'s; on every backend {@code out[m, n] = sum_k x[m, k] w[n, k] + out[m, n]}
     * with the sum rounded as {@link #linear} rounds it, then one addition.
     */
    public static void linearAccumulate(Backend backend, Tensor x, Tensor w, Tensor out) {
        Dims d = check(x, w, null, out);
        Gemm.Dims g = new Gemm.Dims(false, true, d.m(), d.n(), d.k(), d.k(), d.k(), d.n());
        Gemm.run(backend, g, 1f, x, w, 1f, out, null);
    }

    /**
     * Gradients of {@code sum(out * gout)} for {@link #linear}: {@code gx (..., K)} shaped like x,
     * {@code gw (N, K)}, {@code gbias (N)}; each may be null. {@code gout (..., N)} has x's leading
     * dimensions.
     */
    public static void linearBackward(Backend backend, Tensor x, Tensor w, Tensor gout,
                                      Tensor gx, Tensor gw, Tensor gbias) {
        backward(backend, x, w, gout, gx, 0f, gw, gbias);
    }

    /**
     * As {@link #linearBackward}, but the input gradient is added into what {@code gx} holds:
     * {@code gx += gout w} (one GEMM with beta = 1, where a product into a temporary and an add
     * would write and read it once more), {@code gw} and {@code gbias} overwritten as there. E.g. a
     * tensor read by two layers, or one layer's weight split into row blocks that each get their
     * part of the input gradient.
     */
    public static void linearBackwardAccumulate(Backend backend, Tensor x, Tensor w, Tensor gout,
                                                Tensor gx, Tensor gw, Tensor gbias) {
        if (gx == null) {
            throw new IllegalArgumentException(OP_BACKWARD + ": gx is missing (null), expected the gradient to add into");
        }
        backward(backend, x, w, gout, gx, 1f, gw, gbias);
    }

    private static void backward(Backend backend, Tensor x, Tensor w, Tensor gout, Tensor gx, float gxBeta,
                                 Tensor gw, Tensor gbias) {
        Dims d = checkInputs(OP_BACKWARD, x, w, null);
        requireRows(OP_BACKWARD, "gout", gout, x, d.n());
        Tensor[] inputs = {x, w, gout};
        String[] inputNames = {"x", "w", "gout"};
        if (gx != null) {
            requireRows(OP_BACKWARD, "gx", gx, x, d.k());
            requireApart("gx", gx, inputs, inputNames);
        }
        if (gw != null) {
            Shapes.require(OP_BACKWARD, "gw", gw, Shapes.names("N", "K"), d.n(), d.k());
            requireApart("gw", gw, inputs, inputNames);
            Shapes.requireDistinct(OP_BACKWARD, "gw", gw, "gx", gx);
        }
        if (gbias != null) {
            Shapes.require(OP_BACKWARD, "gbias", gbias, Shapes.names("N"), d.n());
            requireApart("gbias", gbias, inputs, inputNames);
            Shapes.requireDistinct(OP_BACKWARD, "gbias", gbias, "gx", gx);
            Shapes.requireDistinct(OP_BACKWARD, "gbias", gbias, "gw", gw);
        }
        if (gx != null) {
            // gx (M, K) = gout (M, N) * w (N, K) [+ gx]
            Gemm.run(backend, new Gemm.Dims(false, false, d.m(), d.k(), d.n(), d.n(), d.k(), d.k()), 1f,
                    gout, w, gxBeta, gx, null);
        }
        if (gw != null) {
            // gw (N, K) = gout^T (N, M) * x (M, K)
            Gemm.run(backend, new Gemm.Dims(true, false, d.n(), d.k(), d.m(), d.n(), d.k(), d.k()), 1f,
                    gout, x, 0f, gw, null);
        }
        if (gbias != null) {
            switch (backend) {
                case Backend.Ref r -> MatmulRef.columnSums(d, gout, gbias);
                case Backend.Cpu c -> MatmulCpu.columnSums(c, d, gout, gbias);
                case Backend.Gpu g -> MatmulGpu.columnSums(g.context(), d, gout, gbias);
            }
        }
    }

    private static void requireApart(String arg, Tensor t, Tensor[] inputs, String[] names) {
        for (int i = 0; i < inputs.length; i++) {
            Shapes.requireDistinct(OP_BACKWARD, arg, t, names[i], inputs[i]);
        }
    }
}
