package dev.ssam.runtime.opencl;

import dev.ssam.runtime.gpu.ContextMemory;
import dev.ssam.runtime.gpu.GpuBuffer;

/**
 * The {@link dev.ssam.runtime.gpu.GpuMemory} of a {@link ClContext} ({@link ContextMemory}):
 * queued {@code clEnqueueCopyBuffer} device copies. OpenCL cannot alias a buffer at an arbitrary
 * float offset (sub-buffers need {@code CL_DEVICE_MEM_BASE_ADDR_ALIGN}), so {@link #alias} always
 * answers null.
 */
final class ClMemory extends ContextMemory<ClBuffer> {
    private final ClContext ctx;

    ClMemory(ClContext ctx) {
        super(ctx, ctx.pool);
        this.ctx = ctx;
    }

    @Override
    protected void deviceCopy(ClBuffer src, long srcOff, ClBuffer dst, long dstOff, long len, String op) {
        if (len > 0) {
            ctx.api.copy(ctx.queue, src.mem, dst.mem, srcOff * Float.BYTES, dstOff * Float.BYTES, len * Float.BYTES,
                    op);
        }
    }

    @Override
    public GpuBuffer alias(GpuBuffer b, long offset) {
        return null;
    }
}
