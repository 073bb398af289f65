package dev.ssam.runtime.gpu;

import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Copies between Java float arrays and native memory (a context's staging area). One thread moves
 * about 10 GB/s, so a batch's tensors (tens of MB: 49 MB of SSAM-Tiny features for 256 clips) cost
 * milliseconds on the host's critical path; copies of at least {@value #PARALLEL_FLOATS} floats are
 * cut into pieces of {@value #PIECE_FLOATS} floats copied on the common fork-join pool (the calling
 * thread takes part). The pieces are disjoint, so the result is the same as one copy. The native
 * segment must be readable from any thread (a shared arena's, or global like pinned CUDA memory).
 */
public final class HostCopy {
    /** Copies from this many floats (4 MiB) on are split over threads. */
    static final int PARALLEL_FLOATS = 1 << 20;
    /** Floats per piece of a split copy (1 MiB). */
    static final int PIECE_FLOATS = 1 << 18;

    private HostCopy() {
    }

    /** {@code dst[0, len)} (floats) = {@code src[srcOff, srcOff + len)}. */
    public static void toNative(float[] src, int srcOff, MemorySegment dst, int len) {
        if (len < PARALLEL_FLOATS) {
            MemorySegment.copy(src, srcOff, dst, JAVA_FLOAT, 0, len);
            return;
        }
        IntStream.range(0, pieces(len)).parallel().forEach(p -> {
            int from = p * PIECE_FLOATS;
            int n = Math.min(PIECE_FLOATS, len - from);
            MemorySegment.copy(src, srcOff + from, dst, JAVA_FLOAT, (long) from * Float.BYTES, n);
        });
    }

    /** {@code dst[dstOff, dstOff + len)} = {@code src[0, len)} (floats). */
    public static void toHeap(MemorySegment src, float[] dst, int dstOff, int len) {
        if (len < PARALLEL_FLOATS) {
            MemorySegment.copy(src, JAVA_FLOAT, 0, dst, dstOff, len);
            return;
        }
        IntStream.range(0, pieces(len)).parallel().forEach(p -> {
            int from = p * PIECE_FLOATS;
            int n = Math.min(PIECE_FLOATS, len - from);
            MemorySegment.copy(src, JAVA_FLOAT, (long) from * Float.BYTES, dst, dstOff + from, n);
        });
    }

    private static int pieces(int len) {
        return (len + PIECE_FLOATS - 1) / PIECE_FLOATS;
    }
}
