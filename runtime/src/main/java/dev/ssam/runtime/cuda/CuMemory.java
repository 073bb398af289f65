package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.ContextMemory;
import dev.ssam.runtime.gpu.GpuBuffer;

/**
 * The {@link dev.ssam.runtime.gpu.GpuMemory} of a {@link CuContext} ({@link ContextMemory}):
 * {@code cuMemcpyDtoDAsync} device copies and aliases at any float offset (a device pointer plus
 * the offset), so a tensor window never needs a temporary copy. Each call makes the context
 * current on the calling thread, since {@code DeviceMirrors} calls in from whichever thread
 * touches a tensor.
 */
final class CuMemory extends ContextMemory<CuBuffer> {
    private final CuContext ctx;

    CuMemory(CuContext ctx) {
        super(ctx, ctx.pool);
        this.ctx = ctx;
    }

    @Override
    protected void bind() {
        ctx.bind();
    }

    @Override
    protected void deviceCopy(CuBuffer src, long srcOff, CuBuffer dst, long dstOff, long len, String op) {
        ctx.copy(src, srcOff, dst, dstOff, len, op);
    }

    @Override
    public GpuBuffer alias(GpuBuffer b, long offset) {
        CuBuffer c = (CuBuffer) b;
        return c.window(offset, c.floats() - offset);
    }
}
