package dev.ssam.ops.matmul;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;

import java.util.SplittableRandom;

/**
 * One seeded {@link Gemm#sgemm} case with offsets and leading dimensions, run on a backend into a
 * guarded C buffer whose gap columns (between n and ldc) hold the guard sentinel too.
 *
 * @param transA use A transposed
 * @param transB use B transposed
 * @param m      rows of C
 * @param n      columns of C
 * @param k      reduction length
 * @param alpha  scale of the product
 * @param beta   scale of C
 * @param aOff   offset of A in a
 * @param lda    row stride of A as stored
 * @param bOff   offset of B in b
 * @param ldb    row stride of B as stored
 * @param cOff   offset of C inside the guarded window
 * @param ldc    row stride of C
 * @param a      A's buffer
 * @param b      B's buffer
 * @param c0     C's initial window, {@code cOff + (m - 1) * ldc + n} floats
 */
record GemmCase(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                int aOff, int lda, int bOff, int ldb, int cOff, int ldc, float[] a, float[] b, float[] c0) {

    /**
     * A random case: A uniform in [-1, 1], B uniform in [-1, 1] / sqrt(k) (an nn.Linear weight's
     * scale, so C is of order one), C uniform in [-1, 1]; offsets up to 3 and leading dimensions
     * up to 3 past the row length when {@code padded}.
     */
    static GemmCase random(SplittableRandom rnd, boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float beta, boolean padded) {
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int aOff = padded ? rnd.nextInt(4) : 0;
        int bOff = padded ? rnd.nextInt(4) : 0;
        int cOff = padded ? rnd.nextInt(4) : 0;
        int lda = Math.max(1, aCols) + (padded ? rnd.nextInt(4) : 0);
        int ldb = Math.max(1, bCols) + (padded ? rnd.nextInt(4) : 0);
        int ldc = Math.max(1, n) + (padded ? rnd.nextInt(4) : 0);
        float bScale = (float) (1 / Math.sqrt(Math.max(1, k)));
        float[] a = fill(rnd, aOff + aRows * lda, 1f);
        float[] b = fill(rnd, bOff + bRows * ldb, bScale);
        float[] c0 = fill(rnd, cOff + m * ldc, 1f);
        return new GemmCase(transA, transB, m, n, k, alpha, beta, aOff, lda, bOff, ldb, cOff, ldc, a, b, c0);
    }

    private static float[] fill(SplittableRandom rnd, int size, float scale) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1) * scale;
        }
        return x;
    }

    /** Runs on {@code backend}; returns C's window (m, ldc) after checking guards and inputs. */
    Tensor run(Backend backend) {
        GuardedTensor c = GuardedTensor.zeros(c0.length);
        float[] buf = c.tensor().data();
        int base = c.tensor().offset();
        System.arraycopy(c0, 0, buf, base, c0.length);
        for (int i = 0; i < m; i++) {
            for (int j = n; j < ldc; j++) {
                buf[base + cOff + i * ldc + j] = GuardedTensor.SENTINEL;
            }
        }
        for (int j = 0; j < cOff; j++) {
            buf[base + j] = GuardedTensor.SENTINEL;
        }
        float[] aBefore = a.clone();
        float[] bBefore = b.clone();
        Gemm.sgemm(backend, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, buf, base + cOff, ldc);
        c.assertGuardsIntact(this + " on " + backend);
        for (int i = 0; i < m; i++) {
            for (int j = n; j < ldc; j++) {
                requireSentinel(buf, base + cOff + i * ldc + j, backend, "gap column " + j + " of row " + i);
            }
        }
        for (int j = 0; j < cOff; j++) {
            requireSentinel(buf, base + j, backend, "element " + j + " before cOff");
        }
        TensorCompare.assertBitwiseEqual(this + " a unchanged", Tensor.of(aBefore, aBefore.length), Tensor.of(a, a.length));
        TensorCompare.assertBitwiseEqual(this + " b unchanged", Tensor.of(bBefore, bBefore.length), Tensor.of(b, b.length));
        return compact(buf, base + cOff);
    }

    private void requireSentinel(float[] buf, int at, Backend backend, String what) {
        if (Float.floatToRawIntBits(buf[at]) != Float.floatToRawIntBits(GuardedTensor.SENTINEL)) {
            throw new AssertionError(this + " on " + backend + ": " + what + " was overwritten with " + buf[at]);
        }
    }

    /** C's (m, n) elements out of a buffer with row stride ldc. */
    Tensor compact(float[] buf, int at) {
        Tensor out = Tensor.zeros(m, n);
        for (int i = 0; i < m; i++) {
            System.arraycopy(buf, at + i * ldc, out.data(), i * n, n);
        }
        return out;
    }

    /** {@code alpha op(A) op(B) + beta C} in double precision, rounded once to float. */
    Tensor exact() {
        Tensor out = Tensor.zeros(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += x * y;
                }
                double v = alpha == 0 ? 0 : alpha * acc;
                if (beta != 0) {
                    v += beta * (double) c0[cOff + i * ldc + j];
                }
                out.data()[i * n + j] = (float) v;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "sgemm(transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k + ", alpha=" + alpha
                + ", beta=" + beta + ", aOff=" + aOff + ", lda=" + lda + ", bOff=" + bOff + ", ldb=" + ldb + ", cOff="
                + cOff + ", ldc=" + ldc + ")";
    }
}
