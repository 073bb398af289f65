package dev.ssam.runtime.gpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The caching allocator of a GPU context: sizes are rounded up to a size class (four per power
 * of two, at least {@value #MIN_BYTES} bytes: at most a quarter more than asked, where powers of
 * two alone cost up to double: SSAM-Tiny's (B, L, E) activations of 148 MB at batch 256 took
 * 256 MiB each), released buffers wait on a free list of their size class and are handed out
 * again, so a training loop that runs the same ops every step allocates device memory only in its
 * first step. At most {@code cap} bytes wait on the free lists; a release beyond that frees the
 * buffer. When the device refuses an allocation while buffers wait on the free lists, they are
 * freed and the allocation tried once more. Session buffers and resident tensor copies are
 * counted apart. A backend adds the device's allocation and free. Not thread-safe: the owning context's lock serialises access,
 * and a buffer is released only once the device has finished with it.
 *
 * <pre>{@code
 * final class ClBufferPool extends BufferPool<ClBuffer> {
 *     protected ClBuffer allocate(long bytes, String op) { return new ClBuffer(api.createBuffer(context, bytes, op), bytes); }
 *     protected void free(ClBuffer b) { api.releaseMem(b.mem); }
 * }
 * }</pre>
 *
 * @param <B> the backend's buffer
 */
public abstract class BufferPool<B extends GpuBuffer> {
    /** The smallest size class. */
    public static final long MIN_BYTES = 4096;
    private final long cap;
    private final Map<Long, ArrayDeque<B>> free = new HashMap<>();
    private long freeBytes;
    private long liveBytes;
    private long residentBytes;

    /** A pool that keeps at most {@code cap} bytes of free buffers. */
    protected BufferPool(long cap) {
        this.cap = cap;
    }

    /**
     * The size class of a request: {@code bytes} rounded up to a multiple of a quarter of its
     * power of two (at least {@link #MIN_BYTES}): 4096, 8192, 12288, 16384, 20480, ..., 2^k,
     * 1.25 2^k, 1.5 2^k, 1.75 2^k, 2^(k+1).
     */
    public static long sizeClass(long bytes) {
        long b = Math.max(MIN_BYTES, bytes);
        long step = Math.max(MIN_BYTES, Long.highestOneBit(b) >> 2);
        return (b + step - 1) / step * step;
    }

    /** A session buffer of at least {@code bytes}, reused when one of its class is free. */
    public final B acquire(long bytes, String op) {
        return take(bytes, op, false);
    }

    /** Returns a session buffer. */
    public final void release(B b) {
        put(b, false);
    }

    /** A buffer for a resident tensor copy. */
    public final B acquireResident(long bytes, String op) {
        return take(bytes, op, true);
    }

    /** Returns a resident tensor copy's buffer. */
    public final void releaseResident(B b) {
        put(b, true);
    }

    /** Frees every waiting buffer. */
    public final void trim() {
        for (ArrayDeque<B> list : free.values()) {
            for (B b : list) {
                free(b);
            }
        }
        free.clear();
        freeBytes = 0;
    }

    /** Bytes on the free lists. */
    public final long freeBytes() {
        return freeBytes;
    }

    /** Bytes handed out to sessions and not yet released. */
    public final long liveBytes() {
        return liveBytes;
    }

    /** Bytes held by resident tensor copies. */
    public final long residentBytes() {
        return residentBytes;
    }

    /** A new device buffer of exactly {@code bytes} (a size class); failures name {@code op}. */
    protected abstract B allocate(long bytes, String op);

    /** Frees a device buffer from {@link #allocate}. */
    protected abstract void free(B b);

    private static long bytes(GpuBuffer b) {
        return b.floats() * Float.BYTES;
    }

    private B take(long bytes, String op, boolean resident) {
        long size = sizeClass(bytes);
        ArrayDeque<B> list = free.get(size);
        B b = list == null ? null : list.pollFirst();
        if (b != null) {
            freeBytes -= size;
        } else {
            b = allocateOrTrim(size, op);
        }
        count(size, resident);
        return b;
    }

    /** A new buffer; when the device refuses while buffers wait on the free lists, frees them and tries once more. */
    private B allocateOrTrim(long size, String op) {
        try {
            return allocate(size, op);
        } catch (RuntimeException refused) {
            if (freeBytes == 0) {
                throw refused;
            }
            trim();
            try {
                return allocate(size, op);
            } catch (RuntimeException again) {
                again.addSuppressed(refused);
                throw again;
            }
        }
    }

    private void put(B b, boolean resident) {
        long size = bytes(b);
        count(-size, resident);
        if (freeBytes + size > cap) {
            free(b);
            return;
        }
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).addFirst(b);
        freeBytes += size;
    }

    private void count(long bytes, boolean resident) {
        if (resident) {
            residentBytes += bytes;
        } else {
            liveBytes += bytes;
        }
    }
}
