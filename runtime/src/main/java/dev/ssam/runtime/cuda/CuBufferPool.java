package dev.ssam.runtime.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The caching allocator of a {@link CuContext}: sizes are rounded up to a power of two (at least
 * {@value #MIN_BYTES} bytes), released allocations wait on a free list of their size class and are
 * handed out again, so a training loop that runs the same ops every step calls
 * {@code cuMemAlloc} only in its first step. At most {@code cap} bytes wait on the free lists; a
 * release beyond that frees the allocation. Session buffers and resident tensor copies are
 * counted apart. Not thread-safe: the owning context serialises access, and releases only happen
 * after the stream has finished with a buffer.
 */
final class CuBufferPool {
    static final long MIN_BYTES = 4096;
    private final CuDriver driver;
    private final long cap;
    private final Map<Long, ArrayDeque<CuBuffer>> free = new HashMap<>();
    private long freeBytes;
    private long liveBytes;
    private long residentBytes;

    CuBufferPool(CuDriver driver, long cap) {
        this.driver = driver;
        this.cap = cap;
    }

    /** The size class of a request: the next power of two, at least MIN_BYTES. */
    static long sizeClass(long bytes) {
        long b = Math.max(MIN_BYTES, bytes);
        long p = Long.highestOneBit(b);
        return p == b ? b : p << 1;
    }

    /** A session buffer of at least {@code bytes}. */
    CuBuffer acquire(long bytes, String op) {
        CuBuffer b = take(bytes, op);
        liveBytes += bytes(b);
        return b;
    }

    /** Returns a session buffer. */
    void release(CuBuffer b) {
        liveBytes -= bytes(b);
        put(b);
    }

    /** A buffer for a resident tensor copy. */
    CuBuffer acquireResident(long bytes, String op) {
        CuBuffer b = take(bytes, op);
        residentBytes += bytes(b);
        return b;
    }

    /** Returns a resident tensor copy's buffer. */
    void releaseResident(CuBuffer b) {
        residentBytes -= bytes(b);
        put(b);
    }

    private static long bytes(CuBuffer b) {
        return b.floats() * Float.BYTES;
    }

    private CuBuffer take(long bytes, String op) {
        long size = sizeClass(bytes);
        ArrayDeque<CuBuffer> list = free.get(size);
        CuBuffer b = list == null ? null : list.pollFirst();
        if (b != null) {
            freeBytes -= size;
            return b;
        }
        return new CuBuffer(driver.alloc(size, op), size / Float.BYTES);
    }

    private void put(CuBuffer b) {
        long size = bytes(b);
        if (freeBytes + size > cap) {
            driver.free(b.ptr, "cuda");
            return;
        }
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).addFirst(b);
        freeBytes += size;
    }

    /** Frees every waiting allocation. */
    void trim() {
        for (ArrayDeque<CuBuffer> list : free.values()) {
            for (CuBuffer b : list) {
                driver.free(b.ptr, "cuda");
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
