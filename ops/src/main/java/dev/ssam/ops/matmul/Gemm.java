package dev.ssam.ops.matmul;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.DeviceMirrors;

/**
 * General single-precision matrix multiply with the BLAS {@code sgemm} contract, on row-major
 * storage (CBLAS {@code cblas_sgemm(CblasRowMajor, ...)}):
 *
 * <pre>
 *   C = alpha * op(A) * op(B) + beta * C        op(A): (m, k), op(B): (k, n), C: (m, n)
 *   op(A)[i, p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]
 *   op(B)[p, j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]
 *   C[i, j]     = c[cOff + i * ldc + j]
 * </pre>
 *
 * <p>So A is stored {@code (m, k)} with row stride {@code lda >= k}, or {@code (k, m)} with
 * {@code lda >= m} when transposed; likewise B is {@code (k, n)}, {@code ldb >= n}, or {@code (n, k)},
 * {@code ldb >= k}; C is {@code (m, n)}, {@code ldc >= n}. Leading dimensions larger than the row
 * length address a sub-matrix of a wider buffer.
 *
 * <p>BLAS conventions kept: {@code beta == 0} never reads C (NaN there is overwritten);
 * {@code alpha == 0} or {@code k == 0} never reads A or B and gives {@code C = beta * C};
 * {@code m == 0} or {@code n == 0} does nothing. Outputs are overwritten, inputs never modified.
 * C must not overlap A or B (checked on the spans from first to last element each touches).
 *
 * <p>Numerics: the reference sums in float in ascending p order
 * ({@code acc += op(A)[i,p] * op(B)[p,j]}), then {@code alpha * acc + beta * C}. The Cpu kernel
 * uses one fused multiply-add per step in the same p order, splits k into equal blocks of at most
 * 128 (the partial sums of the blocks are added in order) and folds alpha into its packed copy of
 * B; every element of C is computed by one thread in an order that depends only on
 * k, so results are bitwise identical for every thread count.
 *
 * <pre>{@code
 * // out (251, 1152) = x (251, 192) * w^T, w (1152, 192): the Mamba in_proj
 * Gemm.sgemm(cpu, false, true, 251, 1152, 192, 1f, x, 0, 192, w, 0, 192, 0f, out, 0, 1152);
 * }</pre>
 */
public final class Gemm {
    static final String OP = "sgemm";

    private Gemm() {
    }

    /**
     * Validated sizes and strides of one multiply.
     *
     * @param transA use A transposed
     * @param transB use B transposed
     * @param m      rows of op(A) and C
     * @param n      columns of op(B) and C
     * @param k      the reduction length: columns of op(A), rows of op(B)
     * @param lda    row stride of A as stored
     * @param ldb    row stride of B as stored
     * @param ldc    row stride of C
     */
    public record Dims(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {
    }

    /**
     * Validates sizes, leading dimensions and that every operand's elements lie inside its array,
     * once; throws {@link IllegalArgumentException} naming {@code sgemm} and the argument.
     */
    public static Dims check(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc) {
        return check(transA, transB, m, n, k, a, aOff, lda, 0, b, bOff, ldb, 0, c, cOff, ldc, 0, 1);
    }

    /** {@link #check} for {@code batch} multiplies whose operands are {@code stride} floats apart. */
    static Dims check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, long strideA, float[] b, int bOff, int ldb, long strideB,
                      float[] c, int cOff, int ldc, long strideC, int batch) {
        requireNonNegative("m", m);
        requireNonNegative("n", n);
        requireNonNegative("k", k);
        requireNonNegative("batch", batch);
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        String aLayout = transA ? "A^T stored (k, m) = (" + k + ", " + m + ")" : "A stored (m, k) = (" + m + ", " + k + ")";
        String bLayout = transB ? "B^T stored (n, k) = (" + n + ", " + k + ")" : "B stored (k, n) = (" + k + ", " + n + ")";
        long aSpan = span("a", a, aOff, lda, aRows, aCols, strideA, batch, aLayout, "lda");
        long bSpan = span("b", b, bOff, ldb, bRows, bCols, strideB, batch, bLayout, "ldb");
        long cSpan = span("c", c, cOff, ldc, m, n, strideC, batch, "C (m, n) = (" + m + ", " + n + ")", "ldc");
        if (batch > 1 && m > 0 && n > 0 && strideC < (long) (m - 1) * ldc + n) {
            throw new IllegalArgumentException(OP + ": strideC is " + strideC + ", expected >= " + ((long) (m - 1) * ldc + n)
                    + " so the " + batch + " C matrices do not overlap");
        }
        requireDisjoint("a", a, aOff, aSpan, c, cOff, cSpan);
        requireDisjoint("b", b, bOff, bSpan, c, cOff, cSpan);
        return new Dims(transA, transB, m, n, k, lda, ldb, ldc);
    }

    private static void requireNonNegative(String arg, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(OP + ": " + arg + " is " + v + ", expected >= 0");
        }
    }

    /** Validates one operand; returns the number of floats from its offset to its last element. */
    private static long span(String arg, float[] x, int off, int ld, int rows, int cols, long stride, int batch,
                             String layout, String ldName) {
        if (x == null) {
            throw new IllegalArgumentException(OP + ": " + arg + " is missing (null), expected " + layout);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(OP + ": " + ldName + " is " + ld + ", expected >= " + Math.max(1, cols)
                    + " for " + layout);
        }
        if (off < 0) {
            throw new IllegalArgumentException(OP + ": " + arg + " offset is " + off + ", expected >= 0");
        }
        if (stride < 0) {
            throw new IllegalArgumentException(OP + ": stride of " + arg + " is " + stride + ", expected >= 0");
        }
        if (rows == 0 || cols == 0 || batch == 0) {
            return 0;
        }
        long span = (long) (rows - 1) * ld + cols + (batch - 1) * stride;
        if (off + span > x.length) {
            throw new IllegalArgumentException(OP + ": " + arg + " holds " + x.length + " floats, but " + layout
                    + " with " + ldName + " " + ld + (batch > 1 ? " in " + batch + " batches of stride " + stride : "")
                    + " from offset " + off + " needs " + (off + span));
        }
        return span;
    }

    private static void requireDisjoint(String arg, float[] x, int xOff, long xSpan, float[] c, int cOff, long cSpan) {
        if (x == c && xSpan > 0 && cSpan > 0 && xOff < cOff + cSpan && cOff < xOff + xSpan) {
            throw new IllegalArgumentException(OP + ": c [" + cOff + ", " + (cOff + cSpan) + ") overlaps " + arg + " ["
                    + xOff + ", " + (xOff + xSpan) + "); in-place use is not supported");
        }
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} (see the class comment for the storage of each
     * operand).
     *
     * @param transA A is stored (k, m) and used transposed
     * @param transB B is stored (n, k) and used transposed
     */
    public static void sgemm(Backend backend, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        Dims d = check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        run(backend, d, alpha, a, aOff, b, bOff, beta, c, cOff, null, 0);
    }

    /**
     * {@code batch} independent multiplies (cuBLAS {@code cublasSgemmStridedBatched}): multiply
     * {@code i} uses A at {@code aOff + i * strideA}, B at {@code bOff + i * strideB}, C at
     * {@code cOff + i * strideC}. A stride may be 0 to share an operand (not for C).
     */
    public static void sgemmStridedBatched(Backend backend, boolean transA, boolean transB, int m, int n, int k,
                                           float alpha, float[] a, int aOff, int lda, long strideA,
                                           float[] b, int bOff, int ldb, long strideB,
                                           float beta, float[] c, int cOff, int ldc, long strideC, int batch) {
        Dims d = check(transA, transB, m, n, k, a, aOff, lda, strideA, b, bOff, ldb, strideB, c, cOff, ldc, strideC, batch);
        for (int i = 0; i < batch; i++) {
            run(backend, d, alpha, a, (int) (aOff + i * strideA), b, (int) (bOff + i * strideB),
                    beta, c, (int) (cOff + i * strideC), null, 0);
        }
    }

    /**
     * Dispatch after {@link #check}: {@code C = alpha op(A) op(B) + beta C [+ bias]}, where
     * {@code bias[biasOff + j]} (length n, or null) is added to every row last.
     */
    static void run(Backend backend, Dims d, float alpha, float[] a, int aOff, float[] b, int bOff,
                    float beta, float[] c, int cOff, float[] bias, int biasOff) {
        switch (backend) {
            case Backend.Ref r -> GemmRef.gemm(d, alpha, a, aOff, b, bOff, beta, c, cOff, bias, biasOff);
            case Backend.Cpu cpu -> GemmCpu.gemm(cpu, d, alpha, a, aOff, b, bOff, beta, c, cOff, bias, biasOff);
            case Backend.Gpu g -> runOnWindows(g, d, alpha, a, aOff, b, bOff, beta, c, cOff, bias, biasOff);
        }
    }

    /**
     * The GPU path of the array API: each operand's span becomes a tensor window for
     * {@link #run(Backend, Dims, float, Tensor, Tensor, float, Tensor, Tensor)}. The caller owns
     * plain arrays and may have written them directly, so their host contents are taken as the
     * newest before the multiply and C is brought back to the host after it.
     */
    private static void runOnWindows(Backend.Gpu g, Dims d, float alpha, float[] a, int aOff, float[] b, int bOff,
                                     float beta, float[] c, int cOff, float[] bias, int biasOff) {
        if (d.m() == 0 || d.n() == 0) {
            return;
        }
        for (float[] x : new float[][] {a, b, c, bias}) {
            if (x != null) {
                DeviceMirrors.beforeHostWrite(x);
            }
        }
        boolean product = alpha != 0f && d.k() != 0;
        Tensor aw = product ? GemmGpu.window(a, aOff, d.transA() ? d.k() : d.m(), d.transA() ? d.m() : d.k(), d.lda())
                : null;
        Tensor bw = product ? GemmGpu.window(b, bOff, d.transB() ? d.n() : d.k(), d.transB() ? d.k() : d.n(), d.ldb())
                : null;
        run(g, d, alpha, aw, bw, beta, GemmGpu.window(c, cOff, d.m(), d.n(), d.ldc()),
                bias == null ? null : Tensor.view(bias, biasOff, d.n()));
        DeviceMirrors.beforeHostRead(c);
    }

    /**
     * {@link #run(Backend, Dims, float, float[], int, float[], int, float, float[], int, float[], int)}
     * on tensors whose element 0 is each operand's first element: GPU backends keep them resident
     * (so a chain of multiplies never leaves the device), host backends read their arrays.
     */
    static void run(Backend backend, Dims d, float alpha, Tensor a, Tensor b, float beta, Tensor c, Tensor bias) {
        switch (backend) {
            case Backend.Ref r -> GemmRef.gemm(d, alpha, a.data(), a.offset(), b.data(), b.offset(), beta, c.data(),
                    c.offset(), bias == null ? null : bias.data(), bias == null ? 0 : bias.offset());
            case Backend.Cpu cpu -> GemmCpu.gemm(cpu, d, alpha, a.data(), a.offset(), b.data(), b.offset(), beta,
                    c.data(), c.offset(), bias == null ? null : bias.data(), bias == null ? 0 : bias.offset());
            case Backend.Cuda cu -> GemmCuda.gemm(cu.context(), d, alpha, a, b, beta, c, bias);
            // every other GPU: the portable tiled kernel
            case Backend.Gpu g -> GemmGpu.gemm(g.context(), d, alpha, a, b, beta, c, bias);
        }
    }
}
