package dev.ssam.runtime.gpu;

import java.util.concurrent.locks.Lock;

/**
 * The {@link GpuMemory} of an {@link AbstractGpuContext}, which {@link DeviceMirrors} and
 * {@link Residency} use: the context's lock, resident buffers from its {@link BufferPool}, host
 * copies through its {@link AbstractGpuContext#write}, {@link AbstractGpuContext#read} and
 * {@link AbstractGpuContext#startRead} (counted in its statistics). A backend adds device-to-device
 * copies ({@link #deviceCopy}), aliases ({@link #alias}) and, where its calls need the context
 * current on the calling thread (CUDA: {@code DeviceMirrors} calls in from whichever thread touches
 * a tensor), {@link #bind}.
 *
 * @param <B> the backend's buffer
 */
public abstract class ContextMemory<B extends GpuBuffer> implements GpuMemory {
    private static final String OP = "residency";
    private final AbstractGpuContext<?, B> context;
    private final BufferPool<B> pool;

    /** The memory of {@code context}, whose resident buffers come from {@code pool}. */
    protected ContextMemory(AbstractGpuContext<?, B> context, BufferPool<B> pool) {
        this.context = context;
        this.pool = pool;
    }

    @Override
    public final Lock lock() {
        return context.lock;
    }

    @Override
    public final GpuBuffer allocate(long floats) {
        bind();
        return pool.acquireResident(Math.max(1, floats) * Float.BYTES, OP);
    }

    @Override
    public final void free(GpuBuffer b) {
        bind();
        pool.releaseResident(own(b));
    }

    @Override
    public final void write(float[] src, int srcOff, GpuBuffer dst, long dstOff, int len) {
        bind();
        context.write(src, srcOff, own(dst), dstOff, len, OP);
    }

    @Override
    public final void read(GpuBuffer src, long srcOff, float[] dst, int dstOff, int len) {
        bind();
        context.read(own(src), srcOff, dst, dstOff, len, OP);
    }

    @Override
    public final PendingRead startRead(GpuBuffer src, long srcOff, int len) {
        if (len == 0) {
            return PendingRead.NOTHING;
        }
        bind();
        return context.startRead(own(src), srcOff, len, OP);
    }

    @Override
    public final void copy(GpuBuffer src, long srcOff, GpuBuffer dst, long dstOff, long len) {
        bind();
        deviceCopy(own(src), srcOff, own(dst), dstOff, len, OP);
    }

    /** Makes the context current on the calling thread where the backend needs that (nothing by default). */
    protected void bind() {
    }

    /** Queues a device copy of {@code len} floats from {@code src[srcOff]} to {@code dst[dstOff]}. */
    protected abstract void deviceCopy(B src, long srcOff, B dst, long dstOff, long len, String op);

    private B own(GpuBuffer b) {
        return context.bufferType.cast(b);
    }
}
