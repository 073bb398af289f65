package dev.ssam.runtime.opencl;

import dev.ssam.runtime.gpu.BufferPool;

import java.lang.foreign.MemorySegment;

/**
 * The caching allocator of a {@link ClContext} ({@link BufferPool}) on {@code clCreateBuffer} and
 * {@code clReleaseMemObject}. Used with the context's lock held; buffers are released only after
 * the queue has finished with them.
 */
final class ClBufferPool extends BufferPool<ClBuffer> {
    private final ClApi api;
    private final MemorySegment context;

    ClBufferPool(ClApi api, MemorySegment context, long cap) {
        super(cap);
        this.api = api;
        this.context = context;
    }

    @Override
    protected ClBuffer allocate(long bytes, String op) {
        return new ClBuffer(api.createBuffer(context, bytes, op), bytes);
    }

    @Override
    protected void free(ClBuffer b) {
        api.releaseMem(b.mem);
    }
}
