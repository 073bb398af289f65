package dev.ssam.runtime.opencl;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching allocator for device buffers: sizes are rounded up to a power of two (at least
 * {@value #MIN_BYTES} bytes), released buffers wait on a free list of their size class and are
 * handed out again, so a training loop that runs the same ops every step allocates only in its
 * first step. At most {@code cap} bytes wait on the free lists; a release beyond that frees the
 * buffer. Not thread-safe: the owning {@link ClContext} serialises access.
 */
final class ClBufferPool {
    static final long MIN_BYTES = 4096;
    private final ClApi api;
    private final MemorySegment context;
    private final long cap;
    private final Map<Long, ArrayDeque<ClBuffer>> free = new HashMap<>();
    private long freeBytes;
    private long liveBytes;
    private long residentBytes;

    ClBufferPool(ClApi api, MemorySegment context, long cap) {
        this.api = api;
        this.context = context;
        this.cap = cap;
    }

    /** The size class of a request: the next power of two, at least MIN_BYTES. */
    static long sizeClass(long bytes) {
        long b = Math.max(MIN_BYTES, bytes);
        long p = Long.highestOneBit(b);
        return p == b ? b : p << 1;
    }

    /** A buffer of at least {@code bytes}, reused when one of its class is free. */
    ClBuffer acquire(long bytes, String op) {
        ClBuffer b = take(bytes, op);
        liveBytes += b.bytes();
        return b;
    }

    /** Returns a buffer (the queue must be finished with it). */
    void release(ClBuffer b) {
        liveBytes -= b.bytes();
        put(b);
    }

    /** A buffer for a resident tensor copy (counted apart from session buffers). */
    ClBuffer acquireResident(long bytes, String op) {
        ClBuffer b = take(bytes, op);
        residentBytes += b.bytes();
        return b;
    }

    /** Returns a resident tensor copy's buffer. */
    void releaseResident(ClBuffer b) {
        residentBytes -= b.bytes();
        put(b);
    }

    private ClBuffer take(long bytes, String op) {
        long size = sizeClass(bytes);
        ArrayDeque<ClBuffer> list = free.get(size);
        ClBuffer b = list == null ? null : list.pollFirst();
        if (b != null) {
            freeBytes -= size;
        } else {
            b = new ClBuffer(api.createBuffer(context, size, op), size);
        }
        return b;
    }

    private void put(ClBuffer b) {
        if (freeBytes + b.bytes() > cap) {
            api.releaseMem(b.mem);
            return;
        }
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).addFirst(b);
        freeBytes += b.bytes();
    }

    /** Frees every waiting buffer. */
    void trim() {
        for (ArrayDeque<ClBuffer> list : free.values()) {
            for (ClBuffer b : list) {
                api.releaseMem(b.mem);
            }
        }
        free.clear();
        freeBytes = 0;
    }

    /** Bytes on the free lists. */
    long freeBytes() {
        return freeBytes;
    }

    /** Bytes handed out to sessions and not yet released. */
    long liveBytes() {
        return liveBytes;
    }

    /** Bytes held by resident tensor copies. */
    long residentBytes() {
        return residentBytes;
    }
}
