package dev.ssam.ops.matmul;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API pieces of {@link Matmul} that are not a {@link Gemm}: the bias gradient.
 */
final class MatmulCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int L = S.length();
    /** Columns per thread unit: the four vectors of running sums one pass over the rows keeps. */
    private static final int GRAIN = 4 * L;

    private MatmulCpu() {
    }

    /**
     * {@code gbias[n] = sum_m gout[m, n]}. Vectors run across columns, so each column is still
     * summed in float in ascending m, exactly as {@link MatmulRef#columnSums}: bitwise equal to
     * it for any thread count. gout: (M, N), gbias: (N).
     */
    static void columnSums(Backend.Cpu cpu, Matmul.Dims d, Tensor gout, Tensor gbias) {
        int n = d.n();
        float[] g = gout.data();
        float[] out = gbias.data();
        int go = gout.offset();
        int bo = gbias.offset();
        int m = d.m();
        cpu.parallel().forRange(n, GRAIN, (from, to, worker) -> {
            int j = from;
            // Four vectors of columns per pass over the rows: each row contributes 4L contiguous floats.
            for (; j + 4 * L <= to; j += 4 * L) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int r = 0; r < m; r++) {
                    int o = go + r * n + j;
                    a0 = a0.add(FloatVector.fromArray(S, g, o));
                    a1 = a1.add(FloatVector.fromArray(S, g, o + L));
                    a2 = a2.add(FloatVector.fromArray(S, g, o + 2 * L));
                    a3 = a3.add(FloatVector.fromArray(S, g, o + 3 * L));
                }
                a0.intoArray(out, bo + j);
                a1.intoArray(out, bo + j + L);
                a2.intoArray(out, bo + j + 2 * L);
                a3.intoArray(out, bo + j + 3 * L);
            }
            for (; j + L <= to; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int r = 0; r < m; r++) {
                    acc = acc.add(FloatVector.fromArray(S, g, go + r * n + j));
                }
                acc.intoArray(out, bo + j);
            }
            for (; j < to; j++) {
                float acc = 0f;
                for (int r = 0; r < m; r++) {
                    acc += g[go + r * n + j];
                }
                out[bo + j] = acc;
            }
        });
    }
}
