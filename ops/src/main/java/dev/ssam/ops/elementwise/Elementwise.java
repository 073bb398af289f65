package dev.ssam.ops.elementwise;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

import java.util.Arrays;

/**
 * Elementwise ops (the full list with backward rules is in the package documentation). Tensors
 * of the same shape are treated as flat runs of elements; addRow, split and concat treat all
 * leading dimensions as rows.
 *
 * <pre>{@code
 * Elementwise.add(cpu, r, h, r);                    // residual in place, (B, L, D)
 * Elementwise.split(cpu, xz, x, z);                 // (B*L, 2E) -> (B*L, E) + (B*L, E)
 * Elementwise.addRow(cpu, tokens, cls, tokens);     // (M, D) + (D)
 * }</pre>
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** The binary flat ops. */
    enum Binary { ADD, MUL }

    /**
     * Validated sizes.
     *
     * @param rows  M (1 for flat ops)
     * @param width elements per row (the whole size for flat ops)
     */
    public record Dims(int rows, int width) {
    }

    /** {@code out = x + y}. */
    public static void add(Backend backend, Tensor x, Tensor y, Tensor out) {
        binary(backend, Binary.ADD, "add", x, y, out);
    }

    /** {@code out = x * y}. */
    public static void mul(Backend backend, Tensor x, Tensor y, Tensor out) {
        binary(backend, Binary.MUL, "mul", x, y, out);
    }

    private static void binary(Backend backend, Binary op, String name, Tensor x, Tensor y, Tensor out) {
        Dims d = checkSame(name, x, y, "out", out);
        switch (backend) {
            case Backend.Ref r -> ElementwiseRef.binary(op, d, x, y, out);
            case Backend.Cpu c -> ElementwiseCpu.binary(c, op, d, x, y, out);
            case Backend.Gpu g -> ElementwiseGpu.binary(g.context(), op, d, x, y, out);
        }
    }

    /** {@code out = alpha * x}. */
    public static void scale(Backend backend, Tensor x, float alpha, Tensor out) {
        Dims d = checkSame("scale", x, null, "out", out);
        switch (backend) {
            case Backend.Ref r -> ElementwiseRef.scale(d, x, alpha, out);
            case Backend.Cpu c -> ElementwiseCpu.scale(c, d, x, alpha, out);
            case Backend.Gpu g -> ElementwiseGpu.scale(g.context(), d, x, alpha, out);
        }
    }

    /** {@code y += alpha * x} (accumulates into y). */
    public static void axpy(Backend backend, float alpha, Tensor x, Tensor y) {
        Dims d = checkSame("axpy", x, null, "y", y);
        switch (backend) {
            case Backend.Ref r -> ElementwiseRef.axpy(d, alpha, x, y);
            case Backend.Cpu c -> ElementwiseCpu.axpy(c, d, alpha, x, y);
            case Backend.Gpu g -> ElementwiseGpu.axpy(g.context(), d, alpha, x, y);
        }
    }

    /** {@code out = value} everywhere. */
    public static void fill(Backend backend, Tensor out, float value) {
        if (out == null) {
            throw new IllegalArgumentException("fill: out is missing (null)");
        }
        Dims d = new Dims(1, out.size());
        switch (backend) {
            case Backend.Ref r -> ElementwiseRef.fill(d, out, value);
            case Backend.Cpu c -> ElementwiseCpu.fill(c, d, out, value);
            case Backend.Gpu g -> ElementwiseGpu.fill(g.context(), d, out, value);
        }
    }

    /** {@code out[m, :] = x[m, :] + v}: x, out (M, D) (leading dims flattened), v (D). */
    public static void addRow(Backend backend, Tensor x, Tensor v, Tensor out) {
        Dims d = checkAddRow(x, v, out);
        switch (backend) {
            case Backend.Ref r -> ElementwiseRef.addRow(d, x, v, out);
            case Backend.Cpu c -> ElementwiseCpu.addRow(c, d, x, v, out);
            case Backend.Gpu g -> ElementwiseGpu.addRow(g.context(), d, x, v, out);
        }
    }

    /** Splits the last dimension: {@code src (.., C1 + C2)} into {@code first (.., C1)}, {@code second (.., C2)}. */
    public static void split(Backend backend, Tensor src, Tensor first, Tensor second) {
        Dims d = checkColumns("split", "src", src, "first", first, "second", second);
        Shapes.requireDistinct("split", "first", first, "src", src);
        Shapes.requireDistinct("split", "second", second, "src", src);
        Shapes.requireDistinct("split", "second", second, "first", first);
        int c1 = first.dim(-1);
        int c2 = second.dim(-1);
        columns(backend, d, src, c1 + c2, 0, first, c1, 0, c1);
        columns(backend, d, src, c1 + c2, c1, second, c2, 0, c2);
    }

    /** Concatenates along the last dimension: {@code out (.., C1 + C2) = [first (.., C1) | second (.., C2)]}. */
    public static void concat(Backend backend, Tensor first, Tensor second, Tensor out) {
        Dims d = checkColumns("concat", "out", out, "first", first, "second", second);
        Shapes.requireDistinct("concat", "out", out, "first", first);
        Shapes.requireDistinct("concat", "out", out, "second", second);
        int c1 = first.dim(-1);
        int c2 = second.dim(-1);
        columns(backend, d, first, c1, 0, out, c1 + c2, 0, c1);
        columns(backend, d, second, c2, 0, out, c1 + c2, c1, c2);
    }

    private static void columns(Backend backend, Dims d, Tensor src, int srcWidth, int srcCol, Tensor dst,
                                int dstWidth, int dstCol, int width) {
        switch (backend) {
            case Backend.Ref r -> ElementwiseRef.columns(d, src, srcWidth, srcCol, dst, dstWidth, dstCol, width);
            case Backend.Cpu c -> ElementwiseCpu.columns(c, d, src, srcWidth, srcCol, dst, dstWidth, dstCol, width);
            case Backend.Gpu g -> ElementwiseGpu.columns(g.context(), d, src, srcWidth, srcCol, dst, dstWidth,
                    dstCol, width);
        }
    }

    /**
     * Checks a flat op: {@code y} (when not null) and the output ({@code outName}) have the shape
     * of {@code x}; the output is the same window as an input or does not overlap it.
     */
    public static Dims checkSame(String op, Tensor x, Tensor y, String outName, Tensor out) {
        if (x == null) {
            throw new IllegalArgumentException(op + ": x is missing (null)");
        }
        if (y != null) {
            Shapes.require(op, "y", y, null, x.shape());
        }
        Shapes.require(op, outName, out, null, x.shape());
        sameOrDistinct(op, outName, out, "x", x);
        sameOrDistinct(op, outName, out, "y", y);
        return new Dims(1, x.size());
    }

    /** Checks addRow: {@code x (.., D)}, {@code v (D)}, {@code out} the shape of x. */
    public static Dims checkAddRow(Tensor x, Tensor v, Tensor out) {
        if (x == null || x.rank() == 0) {
            throw new IllegalArgumentException("addRow: x is " + (x == null ? "missing (null)" : "a scalar")
                    + ", expected (rows M, width D)");
        }
        int w = x.dim(-1);
        Shapes.requirePositive("addRow", "x width D (last dimension of " + x.shapeString() + ")", w);
        Shapes.require("addRow", "v", v, Shapes.names("width"), w);
        Shapes.require("addRow", "out", out, null, x.shape());
        sameOrDistinct("addRow", "out", out, "x", x);
        Shapes.requireDistinct("addRow", "out", out, "v", v);
        return new Dims(x.size() / w, w);
    }

    /** Checks split/concat: {@code whole (.., C1 + C2)}, {@code first (.., C1)}, {@code second (.., C2)}. */
    public static Dims checkColumns(String op, String wholeName, Tensor whole, String firstName, Tensor first,
                                    String secondName, Tensor second) {
        int rank = first == null ? 1 : Math.max(1, first.rank());
        int[] f = Shapes.requireRank(op, firstName, first, rank, "(.., C1)");
        int[] s = Shapes.requireRank(op, secondName, second, f.length, "(.., C2) with the rank of " + firstName);
        int[] lead = Arrays.copyOf(f, f.length - 1);
        if (!Arrays.equals(lead, Arrays.copyOf(s, s.length - 1))) {
            throw new IllegalArgumentException(op + ": " + secondName + " is " + second.shapeString()
                    + ", expected leading dimensions " + Arrays.toString(lead) + " as " + firstName + " "
                    + first.shapeString());
        }
        int[] expected = f.clone();
        expected[f.length - 1] = f[f.length - 1] + s[s.length - 1];
        Shapes.require(op, wholeName, whole, null, expected);
        int width = expected[f.length - 1];
        return new Dims(whole.size() / width, width);
    }

    /** Allows {@code out} to be exactly {@code in} (in place); rejects a partial overlap. */
    private static void sameOrDistinct(String op, String outArg, Tensor out, String inArg, Tensor in) {
        if (in != null && in.sharesStorage(out) && in.offset() == out.offset()) {
            return;
        }
        Shapes.requireDistinct(op, outArg, out, inArg, in);
    }
}
