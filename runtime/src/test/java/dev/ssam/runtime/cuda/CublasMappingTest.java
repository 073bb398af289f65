package dev.ssam.runtime.cuda;

import dev.ssam.runtime.RuntimeFlags;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The row-major to column-major mapping of {@link Cublas#rowMajor}, checked without a GPU: a
 * literal column-major BLAS sgemm in Java, called with the mapped arguments on row-major buffers,
 * must give the row-major product bit for bit (both sum the same products in the same order).
 */
class CublasMappingTest {

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4} pad={5}")
    @CsvSource({
        "false, false, 1, 1, 1, 0",
        "false, false, 7, 17, 33, 0",
        "false, true, 7, 17, 33, 3",
        "true, false, 17, 7, 33, 1",
        "true, true, 33, 17, 7, 5",
        "false, true, 25, 115, 19, 0",
        "true, true, 1, 129, 2, 2",
        "false, false, 0, 5, 3, 0",
    })
    void columnMajorCallOnRowMajorBuffersIsTheRowMajorProduct(boolean transA, boolean transB, int m, int n, int k,
                                                               int pad) {
        SplittableRandom rnd = new SplittableRandom(42L + m * 31L + n * 7L + k);
        int lda = (transA ? m : k) + pad;
        int ldb = (transB ? k : n) + pad;
        int ldc = n + pad;
        float[] a = random(rnd, (transA ? k : m) * lda + 3);
        float[] b = random(rnd, (transB ? n : k) * ldb + 2);
        float[] c0 = random(rnd, m * ldc + 1);
        float alpha = 0.75f;
        float beta = -0.5f;

        float[] expected = c0.clone();
        rowMajor(transA, transB, m, n, k, alpha, a, 3, lda, b, 2, ldb, beta, expected, 1, ldc);

        Cublas.ColumnMajorCall g = Cublas.rowMajor(transA, transB, m, n, k, lda, ldb, ldc);
        float[] actual = c0.clone();
        columnMajor(g.transFirst(), g.transSecond(), g.m(), g.n(), g.k(), alpha, b, 2, g.ldFirst(), a, 3,
                g.ldSecond(), beta, actual, 1, g.ldc());
        TensorCompare.assertBitwiseEqual("C", Tensor.of(expected, expected.length), Tensor.of(actual, actual.length));
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void mappingSwapsOperandsAndSizesAndKeepsEachFlag(boolean transA, boolean transB) {
        Cublas.ColumnMajorCall g = Cublas.rowMajor(transA, transB, 251, 1152, 192, 11, 22, 33);
        assertEquals(new Cublas.ColumnMajorCall(transB, transA, 1152, 251, 192, 22, 11, 33), g);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }

    /** Gemm's row-major contract: op(A)[i,p] = transA ? a[p * lda + i] : a[i * lda + p]. */
    private static void rowMajor(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                                 int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += x * y;
                }
                c[cOff + i * ldc + j] = alpha * acc + beta * c[cOff + i * ldc + j];
            }
        }
    }

    /** Fortran BLAS sgemm, column-major: op(A)(i,p) = transa ? a[i * lda + p] : a[p * lda + i]; C(i,j) = c[j * ldc + i]. */
    private static void columnMajor(boolean transa, boolean transb, int m, int n, int k, float alpha, float[] a,
                                    int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff,
                                    int ldc) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float x = transa ? a[aOff + i * lda + p] : a[aOff + p * lda + i];
                    float y = transb ? b[bOff + p * ldb + j] : b[bOff + j * ldb + p];
                    acc += x * y;
                }
                c[cOff + j * ldc + i] = alpha * acc + beta * c[cOff + j * ldc + i];
            }
        }
    }

    @Test
    void mathModesAreCublasMathTValuesAndFp32IsTheDefault() {
        // cublas_api.h: CUBLAS_DEFAULT_MATH 0, CUBLAS_PEDANTIC_MATH 2, CUBLAS_TF32_TENSOR_OP_MATH 3
        assertEquals(0, Cublas.MathMode.FP32.value);
        assertEquals(2, Cublas.MathMode.FP32_PEDANTIC.value);
        assertEquals(3, Cublas.MathMode.TF32.value);
        assertEquals(RuntimeFlags.CURRENT.gpuPedanticGemm() ? Cublas.MathMode.FP32_PEDANTIC : Cublas.MathMode.FP32,
                CuContext.fp32Mode());
    }
}
