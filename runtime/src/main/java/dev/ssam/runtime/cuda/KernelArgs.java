package dev.ssam.runtime.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Packs kernel arguments the way {@code cuLaunchKernel} takes them: {@code void *kernelParams[]},
 * one pointer per parameter to a copy of its value. A {@link CuBuffer} becomes its
 * {@code CUdeviceptr} (8 bytes), {@code null} a NULL device pointer (8 zero bytes), an
 * {@code Integer} an {@code int} and a {@code Float} a {@code float} (4 bytes each); the portable
 * dialect allows no other parameter types (portable.h, rule 2).
 */
final class KernelArgs {
    /** Bytes per value slot: every value fits, and pointers stay 8-byte aligned. */
    static final long SLOT = 8;

    private KernelArgs() {
    }

    /** The parameter array for {@code args}, allocated in {@code arena}. */
    static MemorySegment pack(Arena arena, Object[] args, String kernel, String op) {
        MemorySegment values = arena.allocate(SLOT * Math.max(1, args.length), SLOT);
        MemorySegment params = arena.allocate(ADDRESS, Math.max(1, args.length));
        for (int i = 0; i < args.length; i++) {
            long at = i * SLOT;
            switch (args[i]) {
                case null -> values.set(JAVA_LONG, at, 0L);
                case CuBuffer b -> values.set(JAVA_LONG, at, b.ptr);
                case Integer n -> values.set(JAVA_INT, at, n);
                case Float f -> values.set(JAVA_FLOAT, at, f);
                default -> throw new IllegalArgumentException(op + ": kernel " + kernel + " argument " + i + " is a "
                        + args[i].getClass().getSimpleName() + ", expected a CUDA buffer, Integer, Float or null");
            }
            params.setAtIndex(ADDRESS, i, values.asSlice(at, SLOT));
        }
        return params;
    }
}
