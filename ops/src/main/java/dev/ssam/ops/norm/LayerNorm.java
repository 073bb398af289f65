package dev.ssam.ops.norm;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * Layer normalisation over the last dimension, as {@code torch.nn.LayerNorm(D, eps)} (the block
 * norms and the encoder norm, eps 1e-6):
 *
 * <pre>
 *   mean[m] = (1/D) sum_d x[m,d]
 *   var[m]  = (1/D) sum_d (x[m,d] - mean[m])^2          (biased, as torch)
 *   rstd[m] = 1 / sqrt(var[m] + eps)
 *   out[m,d] = (x[m,d] * rstd[m] - mean[m] * rstd[m]) * gamma[d] + beta[d]
 * </pre>
 *
 * <p>Shapes: {@code x: (..., D)}, all leading dimensions flattened into M rows, D fastest;
 * {@code gamma, beta: (D)}; {@code out}: the shape of x; {@code mean, rstd: (M)} or null (saved
 * for backward when given).
 *
 * <p>Backward of {@code loss = sum(out * gout)}, with {@code xhat = (x - mean) rstd} and
 * {@code gh = gout * gamma}:
 * {@code gx = rstd (gh - mean_d(gh) - xhat mean_d(gh xhat))},
 * {@code ggamma[d] = sum_m gout[m,d] xhat[m,d]}, {@code gbeta[d] = sum_m gout[m,d]}.
 * gx, ggamma, gbeta may each be null; those given are overwritten. The sums over rows run in
 * a fixed order that does not depend on the thread count (Cpu: partial sums per block of
 * {@value #ROW_BLOCK} rows, added in block order).
 *
 * <p>Statistics: Ref accumulates in double, Cpu in float vectors (two passes: mean, then
 * centred squares), so they agree to float rounding. A NaN or infinite value in a row makes that
 * row's rstd and every output NaN in both backends (its mean is NaN or infinite); other rows
 * are unaffected.
 * Deviation from torch: torch's CPU kernel computes the moments with a Welford-style cascade;
 * the two-pass sums here round differently at the ulp level.
 *
 * <pre>{@code
 * LayerNorm.forward(cpu, r, gamma, beta, 1e-6f, h, mean, rstd);       // r, h: (B, L, D); mean, rstd: (B*L)
 * LayerNorm.backward(cpu, r, gamma, mean, rstd, gh, gr, ggamma, gbeta);
 * }</pre>
 */
public final class LayerNorm {
    static final String OP = "layerNorm";
    /** Rows per partial sum of ggamma and gbeta in the Cpu backward. */
    public static final int ROW_BLOCK = 32;

    private LayerNorm() {
    }

    /**
     * Validated sizes.
     *
     * @param rows  M, the product of the leading dimensions
     * @param width D
     */
    public record Dims(int rows, int width) {
    }

    /**
     * Validates {@code x (..., D)}, {@code gamma (D)}, {@code beta (D)}, {@code out} (the shape of
     * x, not overlapping the inputs) and the nullable {@code mean}, {@code rstd (M)}.
     */
    public static Dims check(Tensor x, Tensor gamma, Tensor beta, Tensor out, Tensor mean, Tensor rstd) {
        Dims d = checkX(x);
        Shapes.require(OP, "gamma", gamma, Shapes.names("width"), d.width());
        Shapes.require(OP, "beta", beta, Shapes.names("width"), d.width());
        Shapes.require(OP, "out", out, null, x.shape());
        noOverlap("out", out, x, gamma, beta);
        if (mean != null) {
            Shapes.require(OP, "mean", mean, Shapes.names("rows"), d.rows());
            noOverlap("mean", mean, x, gamma, beta);
            Shapes.requireDistinct(OP, "mean", mean, "out", out);
        }
        if (rstd != null) {
            Shapes.require(OP, "rstd", rstd, Shapes.names("rows"), d.rows());
            noOverlap("rstd", rstd, x, gamma, beta);
            Shapes.requireDistinct(OP, "rstd", rstd, "out", out);
            Shapes.requireDistinct(OP, "rstd", rstd, "mean", mean);
        }
        return d;
    }

    /**
     * {@code out = LayerNorm(x) * gamma + beta}; also writes {@code mean} and {@code rstd} when
     * they are not null.
     */
    public static void forward(Backend backend, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out,
                               Tensor mean, Tensor rstd) {
        Dims d = check(x, gamma, beta, out, mean, rstd);
        if (!(eps >= 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException(OP + ": eps is " + eps + ", expected a finite value >= 0");
        }
        switch (backend) {
            case Backend.Ref r -> LayerNormRef.forward(d, x, gamma, beta, eps, out, mean, rstd);
            case Backend.Cpu c -> LayerNormCpu.forward(c, d, x, gamma, beta, eps, out, mean, rstd);
            case Backend.Gpu g -> LayerNormGpu.forward(g.context(), d, x, gamma, beta, eps, out, mean, rstd);
        }
    }

    /**
     * Gradients of {@code sum(out * gout)} from the saved {@code mean} and {@code rstd (M)}:
     * {@code gx} (the shape of x), {@code ggamma (D)}, {@code gbeta (D)}; each may be null.
     */
    public static void backward(Backend backend, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor gout,
                                Tensor gx, Tensor ggamma, Tensor gbeta) {
        Dims d = checkX(x);
        Shapes.require(OP, "gamma", gamma, Shapes.names("width"), d.width());
        Shapes.require(OP, "mean", mean, Shapes.names("rows"), d.rows());
        Shapes.require(OP, "rstd", rstd, Shapes.names("rows"), d.rows());
        Shapes.require(OP, "gout", gout, null, x.shape());
        Tensor[] inputs = {x, gamma, mean, rstd, gout};
        String[] names = {"x", "gamma", "mean", "rstd", "gout"};
        Tensor[] outputs = {gx, ggamma, gbeta};
        String[] outNames = {"gx", "ggamma", "gbeta"};
        int[][] shapes = {x.shape(), {d.width()}, {d.width()}};
        for (int o = 0; o < outputs.length; o++) {
            if (outputs[o] == null) {
                continue;
            }
            Shapes.require(OP, outNames[o], outputs[o], null, shapes[o]);
            for (int i = 0; i < inputs.length; i++) {
                Shapes.requireDistinct(OP, outNames[o], outputs[o], names[i], inputs[i]);
            }
            for (int p = 0; p < o; p++) {
                Shapes.requireDistinct(OP, outNames[o], outputs[o], outNames[p], outputs[p]);
            }
        }
        switch (backend) {
            case Backend.Ref r -> LayerNormRef.backward(d, x, gamma, mean, rstd, gout, gx, ggamma, gbeta);
            case Backend.Cpu c -> LayerNormCpu.backward(c, d, x, gamma, mean, rstd, gout, gx, ggamma, gbeta);
            case Backend.Gpu g -> LayerNormGpu.backward(g.context(), d, x, gamma, mean, rstd, gout, gx, ggamma,
                    gbeta);
        }
    }

    private static Dims checkX(Tensor x) {
        if (x == null || x.rank() == 0) {
            throw new IllegalArgumentException(OP + ": x is " + (x == null ? "missing (null)" : "a scalar")
                    + ", expected (..., width D)");
        }
        int width = x.dim(-1);
        Shapes.requirePositive(OP, "x width D (last dimension of " + x.shapeString() + ")", width);
        return new Dims(x.size() / width, width);
    }

    private static void noOverlap(String arg, Tensor t, Tensor x, Tensor gamma, Tensor beta) {
        Shapes.requireDistinct(OP, arg, t, "x", x);
        Shapes.requireDistinct(OP, arg, t, "gamma", gamma);
        Shapes.requireDistinct(OP, arg, t, "beta", beta);
    }
}
