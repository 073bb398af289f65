package dev.ssam.ops.matmul;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Gemm#sgemm} on every backend: against Ref and a double-precision product on awkward and
 * real sizes, every transpose combination, alpha/beta variants, offsets and padded leading
 * dimensions (gap columns untouched); guard regions, unchanged inputs, BLAS edge conventions; Cpu 1
 * vs 2 threads bitwise; argument checks. OpenCL cases skip without a device (fail under CI=true).
 */
class GemmTest {
    private static final int[] SIZES = {1, 7, 17, 33, 129};
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {1f, 1f}, {0.5f, -2f}, {-1.25f, 0.75f}};
    private static final Backend CPU = BackendUnderTest.CPU.backend();

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    /**
     * Ref and the backend on one case: the backend close to Ref, both close to double; on Cpu also
     * 1 vs 2 threads bitwise. Returns the backend's C.
     */
    private static Tensor verify(BackendUnderTest b, GemmCase c) {
        Tensor ref = c.run(Backend.ref());
        Tensor actual = c.run(b.backend());
        TensorCompare.assertClose(c + " " + b + " vs ref", ref, actual, b.vsRefReduction());
        b.assertSameOnOneThread(c.toString(), actual, c::run);
        Tensor exact = c.exact();
        TensorCompare.assertClose(c + " ref vs double", exact, ref, Tolerance.CPU_VS_REF_REDUCTION);
        TensorCompare.assertClose(c + " " + b + " vs double", exact, actual, b.vsRefReduction());
        return actual;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnAwkwardSizesForEveryTransposeAndScale(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(20240601);
        int i = 0;
        for (int t = 0; t < 4; t++) {
            for (int m : SIZES) {
                for (int n : SIZES) {
                    for (int k : SIZES) {
                        float[] ab = ALPHA_BETA[i++ % ALPHA_BETA.length];
                        verify(b, GemmCase.random(rnd, (t & 1) != 0, (t & 2) != 0, m, n, k, ab[0], ab[1], true));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnModelShapesForEveryTranspose(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(7);
        // (m, k, n) of in_proj, out_proj, x_proj, dt_proj at one clip (L = 251)
        int[][] shapes = {{251, 192, 1152}, {251, 576, 192}, {251, 576, 60}, {251, 12, 576}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                verify(b, GemmCase.random(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[2], s[1], 1f, 0f, t == 3));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefOnBackwardShapes(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(8);
        // gx = gout w and gw = gout^T x of in_proj, out_proj and x_proj: (transA, m, n, k)
        int[][] shapes = {{0, 251, 192, 1152}, {1, 1152, 192, 251}, {0, 251, 576, 192}, {1, 192, 576, 251},
            {0, 251, 576, 60}, {1, 60, 576, 251},
            // dt_proj's gx and gw (n = R) at SSAM-Tiny (R 12, E 576) and nano (R 4, E 192): the narrow kernel
            {0, 251, 12, 576}, {1, 576, 12, 251}, {0, 251, 4, 192}, {1, 192, 4, 251}};
        for (int[] s : shapes) {
            verify(b, GemmCase.random(rnd, s[0] == 1, false, s[1], s[2], s[3], 1f, 0f, false));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesRefAcrossCpuRowAndKBlocks(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(10);
        // more rows than one in-place block (MC_IN_PLACE) or packed block (MC), and k over two blocks of KC
        int kBlocks = 2 * GemmCpu.KC + 5;
        verify(b, GemmCase.random(rnd, false, true, GemmCpu.MC_IN_PLACE + 37, 70, kBlocks, 1f, 0.5f, true));
        verify(b, GemmCase.random(rnd, true, false, 2 * GemmCpu.MC + 37, 70, kBlocks, 1f, 0.5f, true));
        verify(b, GemmCase.random(rnd, true, true, GemmCpu.MC + 1, 129, kBlocks, -0.5f, 1f, true));
    }

    @Test
    void cpuBatchOfEightIsBitwiseEqualOnOneAndTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(9);
        // in_proj forward, its gx and gw at M = 8 * 251
        GemmCase[] cases = {
            GemmCase.random(rnd, false, true, 2008, 1152, 192, 1f, 0f, false),
            GemmCase.random(rnd, false, false, 2008, 192, 1152, 1f, 0f, false),
            GemmCase.random(rnd, true, false, 1152, 192, 2008, 1f, 0f, false)};
        for (GemmCase c : cases) {
            TensorCompare.assertBitwiseEqual(c + " cpu 1 vs 2 threads", c.run(BackendUnderTest.cpuOneThread()),
                    c.run(CPU));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void betaZeroNeverReadsC(BackendUnderTest b) {
        GemmCase c = GemmCase.random(new SplittableRandom(1), false, true, 13, 70, 9, 1f, 0f, true);
        Arrays.fill(c.c0(), Float.NaN);
        Tensor actual = verify(b, c);
        for (float v : actual.data()) {
            assertTrue(Float.isFinite(v), b + ": NaN in C leaked through beta = 0");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void alphaZeroAndEmptyKNeverReadAOrB(BackendUnderTest b) {
        for (int k : new int[] {0, 5}) {
            GemmCase c = GemmCase.random(new SplittableRandom(2), true, false, 9, 40, k, k == 0 ? 1f : 0f, 0.5f, true);
            Arrays.fill(c.a(), Float.NaN);
            Arrays.fill(c.b(), Float.NaN);
            Tensor actual = verify(b, c);
            for (int i = 0; i < c.m(); i++) {
                for (int j = 0; j < c.n(); j++) {
                    float expected = 0.5f * c.c0()[c.cOff() + i * c.ldc() + j];
                    assertTrue(actual.get(i, j) == expected, c + " on " + b + ": C[" + i + ", " + j + "] is "
                            + actual.get(i, j) + ", expected beta * C = " + expected);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void zeroAlphaOrKScalesCAndBetaZeroOverwritesNaN(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(8);
        verify(b, GemmCase.random(rnd, false, false, 7, 17, 0, 1f, 0.5f, true));
        verify(b, GemmCase.random(rnd, true, false, 7, 17, 5, 0f, -2f, true));
        verify(b, GemmCase.random(rnd, false, true, 7, 17, 5, 0f, 0f, true));
        float[] a = new float[6];
        float[] bm = new float[6];
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Arrays.fill(a, 1f);
        Arrays.fill(bm, 1f);
        Gemm.sgemm(b.backend(), false, false, 2, 2, 3, 1f, a, 0, 3, bm, 0, 2, 0f, c, 0, 2);
        for (float v : c) {
            assertTrue(v == 3f, b + ": beta 0 must not read C: got " + v);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nanAndInfPropagateAsInRef(BackendUnderTest b) {
        GemmCase c = GemmCase.random(new SplittableRandom(3), false, true, 20, 70, 33, 1f, 1f, true);
        c.a()[c.aOff() + 3 * c.lda() + 5] = Float.NaN;                 // row 3 of C becomes NaN
        c.b()[c.bOff() + 7 * c.ldb() + 2] = Float.POSITIVE_INFINITY;   // column 7 becomes +-Inf
        c.c0()[c.cOff() + 11 * c.ldc() + 40] = Float.NEGATIVE_INFINITY;
        Tensor actual = verify(b, c);
        assertTrue(Float.isNaN(actual.get(3, 0)), b + ": NaN in A did not reach C");
        assertTrue(Float.isInfinite(actual.get(0, 7)), b + ": Inf in B did not reach C");
        assertTrue(actual.get(11, 40) == Float.NEGATIVE_INFINITY, b + ": -Inf in C with beta = 1 was lost");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void emptyOutputLeavesCUntouched(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(4);
        verify(b, GemmCase.random(rnd, false, false, 0, 17, 7, 1f, 0f, true));
        verify(b, GemmCase.random(rnd, true, true, 7, 0, 17, 1f, 0f, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void stridedBatchedMatchesSingleCalls(BackendUnderTest under) {
        SplittableRandom rnd = new SplittableRandom(5);
        int batch = 3;
        int m = 19;
        int n = 37;
        int k = 23;
        float[] a = new float[batch * m * k + 5];
        float[] w = new float[n * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (Backend b : new Backend[] {Backend.ref(), under.backend()}) {
            float[] batched = new float[batch * m * n];
            float[] single = new float[batch * m * n];
            // B shared across the batch (stride 0), as a weight is.
            Gemm.sgemmStridedBatched(b, false, true, m, n, k, 1f, a, 5, k, (long) m * k, w, 0, k, 0,
                    0f, batched, 0, n, (long) m * n, batch);
            for (int i = 0; i < batch; i++) {
                Gemm.sgemm(b, false, true, m, n, k, 1f, a, 5 + i * m * k, k, w, 0, k, 0f, single, i * m * n, n);
            }
            TensorCompare.assertBitwiseEqual(b + " batched", Tensor.of(single, batch, m, n),
                    Tensor.of(batched, batch, m, n));
        }
    }

    private static void assertRejected(Runnable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith("sgemm: "), "message does not name sgemm: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void rejectsShortLeadingDimension() {
        float[] a = new float[100];
        float[] b = new float[100];
        float[] c = new float[100];
        assertRejected(() -> Gemm.sgemm(CPU, false, false, 4, 5, 6, 1f, a, 0, 5, b, 0, 5, 0f, c, 0, 5),
                "lda is 5, expected >= 6", "A stored (m, k) = (4, 6)");
        assertRejected(() -> Gemm.sgemm(CPU, true, false, 4, 5, 6, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 5),
                "ldb is 4, expected >= 5");
        assertRejected(() -> Gemm.sgemm(CPU, false, true, 4, 5, 6, 1f, a, 0, 6, b, 0, 6, 0f, c, 0, 4),
                "ldc is 4, expected >= 5");
    }

    @Test
    void rejectsOperandOutsideItsArray() {
        float[] a = new float[24];
        float[] b = new float[30];
        float[] c = new float[20];
        assertRejected(() -> Gemm.sgemm(Backend.ref(), false, false, 4, 5, 6, 1f, a, 1, 6, b, 0, 5, 0f, c, 0, 5),
                "a holds 24 floats", "needs 25");
        assertRejected(() -> Gemm.sgemm(Backend.ref(), false, true, 4, 5, 6, 1f, a, 0, 6, b, 1, 6, 0f, c, 0, 5),
                "b holds 30 floats", "B^T stored (n, k) = (5, 6)");
        assertRejected(() -> Gemm.sgemm(Backend.ref(), false, false, 4, 5, 6, 1f, a, 0, 6, b, 0, 5, 0f, c, -1, 5),
                "c offset is -1");
        assertRejected(() -> Gemm.sgemm(Backend.ref(), false, false, 4, 5, 6, 1f, a, 0, 6, b, 0, 5, 0f, null, 0, 5),
                "c is missing");
    }

    @Test
    void rejectsNegativeSizes() {
        float[] x = new float[10];
        assertRejected(() -> Gemm.sgemm(CPU, false, false, -1, 1, 1, 1f, x, 0, 1, x, 0, 1, 0f, new float[1], 0, 1),
                "m is -1");
        assertRejected(() -> Gemm.sgemm(CPU, false, false, 1, 1, -2, 1f, x, 0, 1, x, 0, 1, 0f, new float[1], 0, 1),
                "k is -2");
    }

    @Test
    void rejectsOutputOverlappingAnInput() {
        float[] buf = new float[100];
        assertRejected(() -> Gemm.sgemm(CPU, false, false, 4, 4, 4, 1f, buf, 0, 4, new float[16], 0, 4, 0f, buf, 10, 4),
                "c [10, 26) overlaps a [0, 16)");
        assertRejected(() -> Gemm.sgemmStridedBatched(CPU, false, false, 4, 4, 4, 1f, new float[64], 0, 4, 16,
                new float[16], 0, 4, 0, 0f, new float[64], 0, 4, 8, 3), "strideC is 8, expected >= 16");
    }
}
