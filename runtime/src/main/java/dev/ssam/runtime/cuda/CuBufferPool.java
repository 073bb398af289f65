package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.BufferPool;

import java.lang.foreign.MemorySegment;

/**
 * The caching allocator of a {@link CuContext} ({@link BufferPool}) on {@code cuMemAlloc} and
 * {@code cuMemFree}, so a training loop that runs the same ops every step calls {@code cuMemAlloc}
 * only in its first step. Used with the context's lock held and the context current. A buffer
 * released to the pool may still be in use by queued work: the stream orders its next user after
 * that work, and freeing it ({@code cuMemFree}) first waits for the stream.
 */
final class CuBufferPool extends BufferPool<CuBuffer> {
    private final CuDriver driver;
    private final MemorySegment stream;

    CuBufferPool(CuDriver driver, MemorySegment stream, long cap) {
        super(cap);
        this.driver = driver;
        this.stream = stream;
    }

    @Override
    protected CuBuffer allocate(long bytes, String op) {
        return new CuBuffer(driver.alloc(bytes, op), bytes / Float.BYTES);
    }

    @Override
    protected void free(CuBuffer b) {
        driver.synchronize(stream, "cuda");
        driver.free(b.ptr, "cuda");
    }
}
