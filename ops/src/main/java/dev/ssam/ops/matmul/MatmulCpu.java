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
    /** Columns per thread unit: a few vectors so the running sums stay in registers' reach. */
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
        cpu.parallel().forRange(n, GRAIN, (from, to, worker) -> {
            int j = from;
            for (; j + L <= to; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int m = 0; m < d.m(); m++) {
                    acc = acc.add(FloatVector.fromArray(S, g, go + m * n + j));
                }
                acc.intoArray(out, bo + j);
            }
            for (; j < to; j++) {
                float acc = 0f;
                for (int m = 0; m < d.m(); m++) {
                    acc += g[go + m * n + j];
                }
                out[bo + j] = acc;
            }
        });
    }
}
