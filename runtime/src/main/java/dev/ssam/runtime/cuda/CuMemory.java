package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuMemory;

import java.util.concurrent.locks.Lock;

/**
 * The {@link GpuMemory} of a {@link CuContext}: resident buffers from its pool, host transfers
 * through its staging memory (counted in its statistics), {@code cuMemcpyDtoDAsync} device copies,
 * and aliases at any float offset (a device pointer plus the offset), so a tensor window never
 * needs a temporary copy. Each call makes the context current on the calling thread, since
 * {@code DeviceMirrors} calls in from whichever thread touches a tensor.
 */
final class CuMemory implements GpuMemory {
    private static final String OP = "residency";
    private final CuContext ctx;

    CuMemory(CuContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Lock lock() {
        return ctx.lock;
    }

    @Override
    public GpuBuffer allocate(long floats) {
        ctx.bind();
        return ctx.pool.acquireResident(Math.max(1, floats) * Float.BYTES, OP);
    }

    @Override
    public void free(GpuBuffer b) {
        ctx.bind();
        ctx.pool.releaseResident((CuBuffer) b);
    }

    @Override
    public void write(float[] src, int srcOff, GpuBuffer dst, long dstOff, int len) {
        ctx.bind();
        ctx.write(src, srcOff, (CuBuffer) dst, dstOff, len, OP);
    }

    @Override
    public void read(GpuBuffer src, long srcOff, float[] dst, int dstOff, int len) {
        ctx.bind();
        ctx.read((CuBuffer) src, srcOff, dst, dstOff, len, OP);
    }

    @Override
    public void copy(GpuBuffer src, long srcOff, GpuBuffer dst, long dstOff, long len) {
        ctx.bind();
        ctx.copy((CuBuffer) src, srcOff, (CuBuffer) dst, dstOff, len, OP);
    }

    @Override
    public GpuBuffer alias(GpuBuffer b, long offset) {
        CuBuffer c = (CuBuffer) b;
        return c.window(offset, c.floats() - offset);
    }
}
