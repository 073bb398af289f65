package dev.ssam.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every Cpu kernel uses, chosen once at class initialisation.
 *
 * <p>Kernels copy it into their own {@code private static final} field so C2 sees a constant
 * (PERF-NOTES lesson 1: a species passed around as a value made a GEMM 34x slower). The width
 * follows {@link FloatVector#SPECIES_PREFERRED}, so AVX2 machines get 256-bit vectors, Arm NEON
 * 128-bit and AVX-512 machines 512-bit, each at full speed (lesson 2); {@link RuntimeFlags}
 * can force a narrower width for testing every code path on one machine.
 */
public final class Simd {
    /** The species of this JVM. */
    public static final VectorSpecies<Float> FLOAT = choose(RuntimeFlags.CURRENT.vectorBits());
    /** Its lane count. */
    public static final int LANES = FLOAT.length();

    private Simd() {
    }

    private static VectorSpecies<Float> choose(int bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits == 0 || bits >= preferred.vectorBitSize()) {
            return preferred;
        }
        return FloatVector.SPECIES_MAX.vectorBitSize() < bits ? preferred
                : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** A one-line description, e.g. {@code "512-bit (16 floats)"}. */
    public static String describe() {
        return FLOAT.vectorBitSize() + "-bit (" + LANES + " floats)";
    }
}
