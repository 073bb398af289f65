package dev.ssam.runtime.gpu;

import dev.ssam.runtime.Parallel;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Copies between Java float arrays and native memory (a context's staging area). One thread moves
 * about 10 GB/s, so a batch's tensors (tens of MB: 49 MB of SSAM-Tiny features for 256 clips) cost
 * milliseconds on the host's critical path; copies of at least {@value #PARALLEL_FLOATS} floats are
 * cut into ranges of whole {@value #PIECE_FLOATS}-float pieces copied on a pool of the host's cores
 * (as the GPU backends' host front end, which also uses every core). The ranges are disjoint, so
 * the result is the same as one copy. The native segment must be readable from any thread (a
 * shared arena's, or global like pinned CUDA memory); one copy runs at a time.
 */
public final class HostCopy {
    /** Copies from this many floats (4 MiB) on are split over threads. */
    static final int PARALLEL_FLOATS = 1 << 20;
    /** Floats per piece of a split copy (1 MiB). */
    static final int PIECE_FLOATS = 1 << 18;

    private HostCopy() {
    }

    /** The pool, started on the first large copy. */
    private static final class Pool {
        static final Parallel CORES = Parallel.of(Parallel.availableCores());
    }

    /** {@code dst[0, len)} (floats) = {@code src[srcOff, srcOff + len)}. */
    public static void toNative(float[] src, int srcOff, MemorySegment dst, int len) {
        if (len < PARALLEL_FLOATS) {
            MemorySegment.copy(src, srcOff, dst, JAVA_FLOAT, 0, len);
            return;
        }
        synchronized (Pool.class) {
            Pool.CORES.forRange(len, PIECE_FLOATS, (from, to, worker) ->
                    MemorySegment.copy(src, srcOff + from, dst, JAVA_FLOAT, (long) from * Float.BYTES, to - from));
        }
    }

    /** {@code dst[dstOff, dstOff + len)} = {@code src[0, len)} (floats). */
    public static void toHeap(MemorySegment src, float[] dst, int dstOff, int len) {
        if (len < PARALLEL_FLOATS) {
            MemorySegment.copy(src, JAVA_FLOAT, 0, dst, dstOff, len);
            return;
        }
        synchronized (Pool.class) {
            Pool.CORES.forRange(len, PIECE_FLOATS, (from, to, worker) ->
                    MemorySegment.copy(src, JAVA_FLOAT, (long) from * Float.BYTES, dst, dstOff + from, to - from));
        }
    }
}
