package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.BufferPool;

/**
 * The caching allocator of a {@link CuContext} ({@link BufferPool}) on {@code cuMemAlloc} and
 * {@code cuMemFree}, so a training loop that runs the same ops every step calls {@code cuMemAlloc}
 * only in its first step. Used with the context's lock held and the context current; buffers are
 * released only after the stream has finished with them.
 */
final class CuBufferPool extends BufferPool<CuBuffer> {
    private final CuDriver driver;

    CuBufferPool(CuDriver driver, long cap) {
        super(cap);
        this.driver = driver;
    }

    @Override
    protected CuBuffer allocate(long bytes, String op) {
        return new CuBuffer(driver.alloc(bytes, op), bytes / Float.BYTES);
    }

    @Override
    protected void free(CuBuffer b) {
        driver.free(b.ptr, "cuda");
    }
}
