package dev.ssam.ops.matmul;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.ThreadScratch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The Cpu GEMM for a C at most one vector wide ({@code n <= LANES}; dt_proj's backward, n = R).
 * The panel kernel ({@link GemmCpu}) computes {@code NR = 4 LANES} columns and packs every row
 * block, which at n = 4 made dt_proj's backward cost as much as in_proj's. Here a row of C is one
 * masked vector:
 * <pre>
 *   Bs[k, :] = alpha op(B)[k, :]            (k, LANES), zero past n, copied once per call
 *   C[i, :]  = sum_k op(A)[i, k] Bs[k, :]   accumulated in k order, then + beta C + bias
 * </pre>
 * A is read in place (a strided scalar per step when transposed). Four rows at a time keep four
 * independent accumulation chains in flight. Threads split rows and each element is summed in k
 * order by one thread, so results do not depend on the thread count.
 */
final class GemmCpuNarrow {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int L = S.length();
    /** Rows per step of the main loop (independent accumulators). */
    private static final int ROWS = 4;
    /** The caller's copy of alpha op(B), read by the workers during its call. */
    private static final ThreadScratch.Floats B_SCALED = new ThreadScratch.Floats();

    private GemmCpuNarrow() {
    }

    /** Whether this kernel handles {@code d}: C fits one vector per row. */
    static boolean applies(Gemm.Dims d) {
        return d.n() <= L;
    }

    /** {@code C = alpha op(A) op(B) + beta C [+ bias]} on validated dims with {@code n <= LANES}, {@code k > 0}. */
    static void gemm(Backend.Cpu cpu, Gemm.Dims d, float alpha, float[] a, int aOff, float[] b, int bOff,
                     float beta, float[] c, int cOff, float[] bias, int biasOff) {
        int n = d.n();
        int k = d.k();
        float[] bs = B_SCALED.get(k * L); // (k, LANES) alpha op(B), zero past n
        Arrays.fill(bs, 0, k * L, 0f);
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < n; j++) {
                bs[kk * L + j] = alpha * (d.transB() ? b[bOff + j * d.ldb() + kk] : b[bOff + kk * d.ldb() + j]);
            }
        }
        // op(A)[i, kk] = a[aOff + i * rowStep + kk * kStep]
        int rowStep = d.transA() ? 1 : d.lda();
        int kStep = d.transA() ? d.lda() : 1;
        cpu.parallel().forRange(d.m(), ROWS, (from, to, worker) ->
                rows(d, a, aOff, rowStep, kStep, bs, beta, c, cOff, bias, biasOff, from, to));
    }

    /** Rows {@code [from, to)} of C. */
    private static void rows(Gemm.Dims d, float[] a, int aOff, int rowStep, int kStep, float[] bs, float beta,
                             float[] c, int cOff, float[] bias, int biasOff, int from, int to) {
        int k = d.k();
        int ldc = d.ldc();
        VectorMask<Float> m = S.indexInRange(0, d.n());
        int i = from;
        for (; i + ROWS <= to; i += ROWS) {
            int a0 = aOff + i * rowStep;
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = acc0;
            FloatVector acc2 = acc0;
            FloatVector acc3 = acc0;
            for (int kk = 0; kk < k; kk++) {
                FloatVector bv = FloatVector.fromArray(S, bs, kk * L);
                int ak = a0 + kk * kStep;
                acc0 = bv.fma(FloatVector.broadcast(S, a[ak]), acc0);
                acc1 = bv.fma(FloatVector.broadcast(S, a[ak + rowStep]), acc1);
                acc2 = bv.fma(FloatVector.broadcast(S, a[ak + 2 * rowStep]), acc2);
                acc3 = bv.fma(FloatVector.broadcast(S, a[ak + 3 * rowStep]), acc3);
            }
            store(acc0, beta, c, cOff + i * ldc, bias, biasOff, m);
            store(acc1, beta, c, cOff + (i + 1) * ldc, bias, biasOff, m);
            store(acc2, beta, c, cOff + (i + 2) * ldc, bias, biasOff, m);
            store(acc3, beta, c, cOff + (i + 3) * ldc, bias, biasOff, m);
        }
        for (; i < to; i++) {
            int a0 = aOff + i * rowStep;
            FloatVector acc = FloatVector.zero(S);
            for (int kk = 0; kk < k; kk++) {
                acc = FloatVector.fromArray(S, bs, kk * L).fma(FloatVector.broadcast(S, a[a0 + kk * kStep]), acc);
            }
            store(acc, beta, c, cOff + i * ldc, bias, biasOff, m);
        }
    }

    /** c = acc (beta 0, C never read), C + acc (beta 1) or (beta C) + acc, then + bias; masked to n columns. */
    private static void store(FloatVector acc, float beta, float[] c, int o, float[] bias, int biasOff,
                              VectorMask<Float> m) {
        FloatVector v = acc;
        if (beta == 1f) {
            v = FloatVector.fromArray(S, c, o, m).add(acc);
        } else if (beta != 0f) {
            v = FloatVector.fromArray(S, c, o, m).mul(beta).add(acc);
        }
        if (bias != null) {
            v = v.add(FloatVector.fromArray(S, bias, biasOff, m));
        }
        v.intoArray(c, o, m);
    }
}
