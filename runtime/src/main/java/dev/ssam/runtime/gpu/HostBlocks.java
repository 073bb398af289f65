package dev.ssam.runtime.gpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Native host memory blocks that downloads copy into (asynchronous ones, {@link GpuMemory#startRead},
 * and on CUDA the waiting ones too), kept for reuse after their copy is finished: a batch's downloads have the same sizes call after
 * call, and allocating page-locked memory takes milliseconds for tens of MB. {@link #take} hands
 * out the smallest kept block that is large enough (else a new one of the exact size),
 * {@link #give} keeps blocks up to {@value #KEEP_BYTES} bytes in all (the features of a 1024-clip
 * call of SSAM-Tiny are 197 MB) and frees the rest. Not thread-safe: the owning context's lock
 * guards it.
 */
public final class HostBlocks {
    /** Bytes of blocks kept for reuse at most (512 MiB). */
    static final long KEEP_BYTES = 512L << 20;
    private final LongFunction<MemorySegment> allocate;
    private final Consumer<MemorySegment> free;
    private final List<MemorySegment> kept = new ArrayList<>();
    private long keptBytes;

    /** Blocks made by {@code allocate} (bytes to a segment of that size) and given back to {@code free}. */
    public HostBlocks(LongFunction<MemorySegment> allocate, Consumer<MemorySegment> free) {
        this.allocate = allocate;
        this.free = free;
    }

    /** A block of at least {@code bytes} (at least one float) that nothing else uses until {@link #give}. */
    public MemorySegment take(long bytes) {
        long need = Math.max(bytes, Float.BYTES);
        MemorySegment best = null;
        for (MemorySegment b : kept) {
            if (b.byteSize() >= need && (best == null || b.byteSize() < best.byteSize())) {
                best = b;
            }
        }
        if (best != null) {
            kept.remove(best);
            keptBytes -= best.byteSize();
            return best;
        }
        return allocate.apply(need);
    }

    /** Takes {@code block} back once no copy uses it any more. */
    public void give(MemorySegment block) {
        if (keptBytes + block.byteSize() <= KEEP_BYTES) {
            kept.add(block);
            keptBytes += block.byteSize();
        } else {
            free.accept(block);
        }
    }

    /** Frees every kept block. */
    public void clear() {
        for (MemorySegment b : kept) {
            free.accept(b);
        }
        kept.clear();
        keptBytes = 0;
    }

    /** Blocks kept now (for tests). */
    int kept() {
        return kept.size();
    }
}
