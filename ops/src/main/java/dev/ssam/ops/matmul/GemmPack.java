package dev.ssam.ops.matmul;

import dev.ssam.runtime.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static dev.ssam.ops.matmul.GemmKernel.MR;
import static dev.ssam.ops.matmul.GemmKernel.NR;

/**
 * Packing for the Cpu GEMM: copies of operand blocks in the layouts {@link GemmKernel#kernel}
 * reads.
 *
 * <ul>
 *   <li>B panel: {@code panel[p * NR + jj] = alpha * op(B)[k0 + p, j0 + jj]}, zero for columns past
 *       n. For B transposed (a linear layer's weight) this is a transpose.</li>
 *   <li>A block: {@code blk[r * kc + p] = op(A)[i0 + r, k0 + p]}, row-major, zero rows up to a
 *       multiple of MR. Only A transposed and a ragged last row tile need it; A itself is read in
 *       place.</li>
 * </ul>
 *
 * <p>Transposes go through {@link #transposeBlock}, 16 rows by one vector, in registers; scalar
 * loops cover what is left at the edges.
 */
final class GemmPack {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int L = S.length();
    /** Rows of one in-register transpose block. */
    private static final int TR = 16;
    /** Perfect-shuffle rounds of a 16 x L transpose: log2(16), whatever L is. */
    private static final int ROUNDS = Integer.numberOfTrailingZeros(TR);
    /** The transpose needs whole vectors inside one 16-float run: L <= 16 (true up to 512-bit vectors). */
    private static final boolean VECTOR_TRANSPOSE = L <= TR;
    private static final float[] ZIP_LO = zipIndexes(0);
    private static final float[] ZIP_HI = zipIndexes(L / 2);

    private GemmPack() {
    }

    /** Two-vector select indexes that interleave lanes {@code [from, from + L/2)} of x and y. */
    private static float[] zipIndexes(int from) {
        float[] idx = new float[L];
        for (int i = 0; i < L / 2; i++) {
            idx[2 * i] = from + i;
            idx[2 * i + 1] = L + from + i;
        }
        return idx;
    }

    /**
     * Packs {@code alpha * op(B)[k0 .. k0+kc, j0 .. j0+nr]} ({@code nr <= NR}) into {@code dst}
     * as {@code dst[p * NR + jj]}, zero for {@code jj >= nr}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int k0, int kc, int j0, int nr,
                      float alpha, float[] dst) {
        if (transB) {
            packColumns(b, bOff + j0 * ldb + k0, ldb, kc, nr, alpha, dst);
        } else {
            packRows(b, bOff + k0 * ldb + j0, ldb, kc, nr, alpha, dst);
        }
    }

    /** op(B) = B: each panel row is a slice of a row of B. */
    private static void packRows(float[] b, int src, int ldb, int kc, int nr, float alpha, float[] dst) {
        boolean scale = alpha != 1f;
        for (int p = 0; p < kc; p++) {
            int s = src + p * ldb;
            int d = p * NR;
            for (int v = 0; v < NR; v += L) {
                FloatVector x;
                if (v + L <= nr) {
                    x = FloatVector.fromArray(S, b, s + v);
                } else {
                    // Masked-off lanes load as zero: the panel's padding.
                    VectorMask<Float> m = S.indexInRange(v, nr);
                    x = FloatVector.fromArray(S, b, s + v, m);
                }
                (scale ? x.mul(alpha) : x).intoArray(dst, d + v);
            }
        }
    }

    /**
     * op(B) = B^T with B stored (n, k), a linear layer's weight: panel row p is column p of
     * {@code nr} rows of B.
     */
    private static void packColumns(float[] b, int src, int ldb, int kc, int nr, float alpha, float[] dst) {
        int groups = VECTOR_TRANSPOSE && NR >= TR ? nr / TR : 0;
        int kVec = kc - kc % L;
        for (int g = 0; g < groups; g++) {
            for (int p0 = 0; p0 < kVec; p0 += L) {
                transposeBlock(b, src + g * TR * ldb + p0, ldb, alpha, dst, p0 * NR + g * TR, NR);
            }
        }
        for (int jj = 0; jj < NR; jj++) {
            int s = src + jj * ldb;
            for (int p = jj < groups * TR ? kVec : 0; p < kc; p++) {
                dst[p * NR + jj] = jj < nr ? alpha * b[s + p] : 0f;
            }
        }
    }

    /**
     * Packs rows {@code [i0, i1)} of op(A) = A^T (A stored (k, m)) for k rows {@code [k0, k0+kc)}
     * as {@code dst[(i - i0) * kc + p]}, zero rows up to {@code rows}.
     */
    static void packTransposedA(float[] a, int aOff, int lda, int k0, int kc, int i0, int i1, int rows, float[] dst) {
        int width = i1 - i0;
        int iVec = VECTOR_TRANSPOSE ? width - width % L : 0;
        int pVec = VECTOR_TRANSPOSE ? kc - kc % TR : 0;
        int src = aOff + k0 * lda + i0;
        for (int p0 = 0; p0 < pVec; p0 += TR) {
            for (int i = 0; i < iVec; i += L) {
                transposeBlock(a, src + p0 * lda + i, lda, 1f, dst, i * kc + p0, kc);
            }
        }
        for (int i = 0; i < width; i++) {
            for (int p = i < iVec ? pVec : 0; p < kc; p++) {
                dst[i * kc + p] = a[src + p * lda + i];
            }
        }
        Arrays.fill(dst, width * kc, rows * kc, 0f);
    }

    /**
     * Packs the ragged last row tile ({@code mr < MR} rows from {@code i0}) of op(A) = A for k rows
     * {@code [k0, k0 + kc)} as {@code dst[r * kc + p]}, zero rows up to MR.
     */
    static void packEdgeA(float[] a, int aOff, int lda, int i0, int mr, int k0, int kc, float[] dst) {
        for (int r = 0; r < mr; r++) {
            System.arraycopy(a, aOff + (i0 + r) * lda + k0, dst, r * kc, kc);
        }
        Arrays.fill(dst, mr * kc, MR * kc, 0f);
    }

    /**
     * Transposes 16 rows (stride {@code lds}) of one vector each: source column {@code x} becomes
     * the 16 floats at {@code dst[d + x * ldd]}. Each perfect-shuffle round rotates the flat
     * (row, lane) address bits left by one; four rounds move the four row bits below the lane
     * bits, i.e. row-major 16 x L becomes column-major.
     */
    private static void transposeBlock(float[] src, int s, int lds, float alpha, float[] dst, int d, int ldd) {
        FloatVector lo = FloatVector.fromArray(S, ZIP_LO, 0);
        FloatVector hi = FloatVector.fromArray(S, ZIP_HI, 0);
        FloatVector r0 = FloatVector.fromArray(S, src, s);
        FloatVector r1 = FloatVector.fromArray(S, src, s + lds);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * lds);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * lds);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * lds);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * lds);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * lds);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * lds);
        FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * lds);
        FloatVector r9 = FloatVector.fromArray(S, src, s + 9 * lds);
        FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * lds);
        FloatVector r11 = FloatVector.fromArray(S, src, s + 11 * lds);
        FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * lds);
        FloatVector r13 = FloatVector.fromArray(S, src, s + 13 * lds);
        FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * lds);
        FloatVector r15 = FloatVector.fromArray(S, src, s + 15 * lds);
        for (int round = 0; round < ROUNDS; round++) {
            FloatVector t0 = lo.selectFrom(r0, r8);
            FloatVector t1 = hi.selectFrom(r0, r8);
            FloatVector t2 = lo.selectFrom(r1, r9);
            FloatVector t3 = hi.selectFrom(r1, r9);
            FloatVector t4 = lo.selectFrom(r2, r10);
            FloatVector t5 = hi.selectFrom(r2, r10);
            FloatVector t6 = lo.selectFrom(r3, r11);
            FloatVector t7 = hi.selectFrom(r3, r11);
            FloatVector t8 = lo.selectFrom(r4, r12);
            FloatVector t9 = hi.selectFrom(r4, r12);
            FloatVector t10 = lo.selectFrom(r5, r13);
            FloatVector t11 = hi.selectFrom(r5, r13);
            FloatVector t12 = lo.selectFrom(r6, r14);
            FloatVector t13 = hi.selectFrom(r6, r14);
            FloatVector t14 = lo.selectFrom(r7, r15);
            FloatVector t15 = hi.selectFrom(r7, r15);
            r0 = t0;
            r1 = t1;
            r2 = t2;
            r3 = t3;
            r4 = t4;
            r5 = t5;
            r6 = t6;
            r7 = t7;
            r8 = t8;
            r9 = t9;
            r10 = t10;
            r11 = t11;
            r12 = t12;
            r13 = t13;
            r14 = t14;
            r15 = t15;
        }
        if (alpha != 1f) {
            r0 = r0.mul(alpha);
            r1 = r1.mul(alpha);
            r2 = r2.mul(alpha);
            r3 = r3.mul(alpha);
            r4 = r4.mul(alpha);
            r5 = r5.mul(alpha);
            r6 = r6.mul(alpha);
            r7 = r7.mul(alpha);
            r8 = r8.mul(alpha);
            r9 = r9.mul(alpha);
            r10 = r10.mul(alpha);
            r11 = r11.mul(alpha);
            r12 = r12.mul(alpha);
            r13 = r13.mul(alpha);
            r14 = r14.mul(alpha);
            r15 = r15.mul(alpha);
        }
        r0.intoArray(dst, d + at(0, ldd));
        r1.intoArray(dst, d + at(1, ldd));
        r2.intoArray(dst, d + at(2, ldd));
        r3.intoArray(dst, d + at(3, ldd));
        r4.intoArray(dst, d + at(4, ldd));
        r5.intoArray(dst, d + at(5, ldd));
        r6.intoArray(dst, d + at(6, ldd));
        r7.intoArray(dst, d + at(7, ldd));
        r8.intoArray(dst, d + at(8, ldd));
        r9.intoArray(dst, d + at(9, ldd));
        r10.intoArray(dst, d + at(10, ldd));
        r11.intoArray(dst, d + at(11, ldd));
        r12.intoArray(dst, d + at(12, ldd));
        r13.intoArray(dst, d + at(13, ldd));
        r14.intoArray(dst, d + at(14, ldd));
        r15.intoArray(dst, d + at(15, ldd));
    }

    /**
     * Where transposed vector {@code o} goes: it holds flat column-major positions
     * {@code [o * L, o * L + L)}, i.e. source column {@code o * L / 16} from row {@code o * L % 16}.
     */
    private static int at(int o, int ldd) {
        return (o * L / TR) * ldd + (o * L) % TR;
    }
}
