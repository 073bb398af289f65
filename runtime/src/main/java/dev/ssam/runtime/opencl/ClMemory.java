package dev.ssam.runtime.opencl;

import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuMemory;

import java.util.concurrent.locks.Lock;

/**
 * The {@link GpuMemory} of a {@link ClContext}: buffers from its pool, blocking host transfers
 * through its staging memory (counted in its statistics) and queued {@code clEnqueueCopyBuffer}
 * device copies. OpenCL cannot alias a buffer at an arbitrary float offset (sub-buffers need
 * {@code CL_DEVICE_MEM_BASE_ADDR_ALIGN}), so {@link #alias} always answers null.
 */
final class ClMemory implements GpuMemory {
    private static final String OP = "residency";
    private final ClContext ctx;

    ClMemory(ClContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Lock lock() {
        return ctx.lock;
    }

    @Override
    public GpuBuffer allocate(long floats) {
        return ctx.pool.acquireResident(Math.max(1, floats) * Float.BYTES, OP);
    }

    @Override
    public void free(GpuBuffer b) {
        ctx.pool.releaseResident((ClBuffer) b);
    }

    @Override
    public void write(float[] src, int srcOff, GpuBuffer dst, long dstOff, int len) {
        ctx.write(src, srcOff, (ClBuffer) dst, dstOff, len, OP);
    }

    @Override
    public void read(GpuBuffer src, long srcOff, float[] dst, int dstOff, int len) {
        ctx.read((ClBuffer) src, srcOff, dst, dstOff, len, OP);
    }

    @Override
    public void copy(GpuBuffer src, long srcOff, GpuBuffer dst, long dstOff, long len) {
        if (len > 0) {
            ctx.api.copy(ctx.queue, ((ClBuffer) src).mem, ((ClBuffer) dst).mem, srcOff * Float.BYTES,
                    dstOff * Float.BYTES, len * Float.BYTES, OP);
        }
    }

    @Override
    public GpuBuffer alias(GpuBuffer b, long offset) {
        return null;
    }
}
