package dev.ssam.runtime.gpu;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Page-locked staging memory for uploads queued on a device's queue, handed out in ring order:
 * each region stays reserved until the copy reading it has ended, which the region's
 * {@link Fence} (an event recorded behind the copy) tells. A new region waits only for the older
 * regions it overlaps, so the host fills the next batch's region while the device still computes
 * on the one before; a ring that simply restarted when full would wait for everything queued,
 * leaving the device idle while the host copies the next batch in.
 *
 * <p>The ring holds at least {@value #SPAN} times its largest region (it grows, after waiting for
 * the copies still reading it, when a region would take more than a {@value #SPAN}th of it): a
 * batch of one size, with a few small uploads beside it, then waits at most for the copies of the
 * batch two before it, never for the one just queued. Where the host refuses that much page-locked
 * memory, the ring takes just the region asked for and goes on with more waiting. A region whose
 * fence was never set (the copy or the event failed) is waited for with the whole queue
 * ({@code waitForQueue}). Not thread-safe: the owning context's lock guards it.
 *
 * <pre>{@code
 * MemorySegment region = ring.take(bytes);       // waits for older copies it overlaps, if any
 * fill(region); queueCopy(region);
 * ring.inFlight(fenceRecordedAfterTheCopy);
 * ...
 * ring.drained();                                // the queue was waited for: every region is free
 * }</pre>
 */
public final class StagingRing {
    /** The end of the copies that read one region. */
    public interface Fence {
        /** Waits on the host until the copies have ended; the fence is not used again. */
        void await();

        /** Gives the fence up without waiting: the caller knows the copies have ended. */
        void release();
    }

    /** Bytes [start, end) of the ring, read by copies that end at {@code fence} (null: not yet known). */
    private static final class Region {
        final long start;
        final long end;
        Fence fence;

        Region(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }

    /** The ring's size in largest regions, at least. */
    static final int SPAN = 3;
    private final LongFunction<MemorySegment> allocate;
    private final Consumer<MemorySegment> free;
    private final Runnable waitForQueue;
    private final long minBytes;
    private final long align;
    private final ArrayDeque<Region> live = new ArrayDeque<>();
    private MemorySegment memory = MemorySegment.NULL;
    private long head;
    private long waits;
    /** The smallest size the host refused to allocate (page-locked memory can run short), else max. */
    private long refused = Long.MAX_VALUE;

    /**
     * A ring of memory from {@code allocate} (bytes to a segment at least {@code align}-aligned),
     * given back to {@code free}; {@code waitForQueue} waits until everything queued has ended.
     *
     * @param minBytes the ring's smallest size
     * @param align    every region starts at a multiple of it (a power of two)
     */
    public StagingRing(LongFunction<MemorySegment> allocate, Consumer<MemorySegment> free, Runnable waitForQueue,
                       long minBytes, long align) {
        if (align <= 0 || Long.bitCount(align) != 1) {
            throw new IllegalArgumentException("StagingRing: align is " + align + ", expected a power of two");
        }
        if (minBytes < align) {
            throw new IllegalArgumentException("StagingRing: minBytes is " + minBytes + ", expected at least align ("
                    + align + ")");
        }
        this.allocate = allocate;
        this.free = free;
        this.waitForQueue = waitForQueue;
        this.minBytes = minBytes;
        this.align = align;
    }

    /**
     * A region of {@code bytes} that no queued copy reads any more, for the next copy; give its
     * fence to {@link #inFlight} once the copy is queued. Waits for the older regions it overlaps.
     */
    public MemorySegment take(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("StagingRing: bytes is " + bytes + ", expected at least 0");
        }
        long need = Math.max(align, (bytes + align - 1) & -align);
        long size = memory.byteSize();
        if (need > size || (SPAN * need > size && SPAN * need < refused)) {
            grow(need);
        }
        long start = head + need <= memory.byteSize() ? head : 0;
        long end = start + need;
        while (overlapsLive(start, end)) {
            settleOldest();   // oldest first: a newer region may overlap while the oldest does not
        }
        head = end;
        live.add(new Region(start, end));
        return memory.asSlice(start, bytes);
    }

    /** The copies reading the region last taken end at {@code fence}. */
    public void inFlight(Fence fence) {
        Region last = live.peekLast();
        if (last == null || last.fence != null) {
            throw new IllegalStateException("StagingRing: inFlight without a region taken since the last fence");
        }
        last.fence = fence;
    }

    /** The queue was waited for: every copy has ended and every region is free again. */
    public void drained() {
        for (Region r : live) {
            if (r.fence != null) {
                r.fence.release();
            }
        }
        live.clear();
        head = 0;
    }

    /** Waits for every copy still reading the ring and frees its memory (a later {@link #take} allocates again). */
    public void clear() {
        while (!live.isEmpty()) {
            settleOldest();
        }
        head = 0;
        if (memory.byteSize() > 0) {
            MemorySegment m = memory;
            memory = MemorySegment.NULL;
            free.accept(m);
        }
    }

    /** The ring's size in bytes, 0 before the first {@link #take} (for tests). */
    long size() {
        return memory.byteSize();
    }

    /** Regions whose copies may still run (for tests). */
    int live() {
        return live.size();
    }

    /** Regions settled so far because a take or clear needed their bytes (each a fence awaited or a queue wait). */
    public long waits() {
        return waits;
    }

    private boolean overlapsLive(long start, long end) {
        for (Region r : live) {
            if (r.start < end && start < r.end) {
                return true;
            }
        }
        return false;
    }

    /** Waits for the copies of the oldest region, then drops it (a failed wait leaves it live). */
    private void settleOldest() {
        Region r = live.peek();
        waits++;
        if (r.fence != null) {
            r.fence.await();
            live.poll();
        } else {
            waitForQueue.run();
            drained();
        }
    }

    /**
     * Replaces the memory by a larger one: {@value #SPAN} times {@code need} (or twice the old size),
     * or, where the host refused that much page-locked memory before or refuses it now, just
     * {@code need}: uploads then wait for more of the copies before them, but go on.
     */
    private void grow(long need) {
        long old = memory.byteSize();
        long least = Math.max(minBytes, need);
        long want = Math.max(least, Math.max(SPAN * need, 2 * old));
        if (want >= refused) {
            want = least;
        }
        clear();
        try {
            memory = allocate.apply(want);
        } catch (RuntimeException e) {
            if (want == least) {
                throw e;
            }
            refused = want;
            try {
                memory = allocate.apply(least);
            } catch (RuntimeException again) {
                again.addSuppressed(e);
                throw again;
            }
        }
    }
}
