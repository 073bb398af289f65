package dev.ssam.ops.audio;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link Resampler}: one dot product per output over the phase's taps, which are padded
 * to whole vectors so the inner loop has no tail; the input is copied once into a zero-padded
 * buffer so no read needs a bounds test. Parallel over strides (blocks of {@code next} outputs).
 */
final class ResampleCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;

    private ResampleCpu() {
    }

    static void apply(Backend.Cpu cpu, ResampleKernel k, float[] x, int xOff, int len, float[] y, int yOff,
            int outLen) {
        int blocks = (outLen + k.next - 1) / k.next;
        // The last block reads padded positions up to (blocks - 1) * orig + reach; padding reads are zeros.
        int padded = Math.max(k.width + len, (blocks - 1) * k.orig + k.reach);
        float[] xp = new float[padded]; // (padded) x shifted right by width, zeros around
        System.arraycopy(x, xOff, xp, k.width, len);
        cpu.parallel().forRange(blocks, (from, to, worker) -> blocks(k, xp, y, yOff, outLen, from, to));
    }

    private static void blocks(ResampleKernel k, float[] xp, float[] y, int yOff, int outLen, int from, int to) {
        float[] packed = k.packed;
        for (int q = from; q < to; q++) {
            int base = q * k.orig;
            int m0 = q * k.next;
            int phases = Math.min(k.next, outLen - m0);
            for (int j = 0; j < phases; j++) {
                int off = k.packedOffset[j];
                int xs = base + k.start[j];
                int n = k.packedLength[j];
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < n; i += S.length()) {
                    acc = FloatVector.fromArray(S, packed, off + i).fma(FloatVector.fromArray(S, xp, xs + i), acc);
                }
                // A fixed pairwise lane sum: reduceLanes(ADD) rounds differently once C2 compiles it.
                y[yOff + m0 + j] = VectorMath.sumLanes(acc);
            }
        }
    }
}
