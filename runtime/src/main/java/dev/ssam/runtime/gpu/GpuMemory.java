package dev.ssam.runtime.gpu;

import java.util.concurrent.locks.Lock;

/**
 * The memory half of a {@link GpuContext} that {@link DeviceMirrors} and {@link Residency} are
 * written against: buffers that outlive sessions, host-device copies (counted in the context's
 * {@link GpuStats}) and device-to-device copies. Offsets and lengths are in floats. Every method
 * is called with {@link #lock()} held, so implementations need no locking of their own.
 */
public interface GpuMemory {
    /** The lock of the owning context: held by its sessions for an op's duration. */
    Lock lock();

    /** A device buffer of at least {@code floats} floats that lives until {@link #free}. */
    GpuBuffer allocate(long floats);

    /** Frees (or pools) a buffer from {@link #allocate}; the device must be finished with it. */
    void free(GpuBuffer b);

    /** Copies {@code src[srcOff, srcOff + len)} to {@code dst[dstOff, ...)} (one counted upload). */
    void write(float[] src, int srcOff, GpuBuffer dst, long dstOff, int len);

    /** Copies {@code src[srcOff, srcOff + len)} to {@code dst[dstOff, ...)}, waiting for earlier work (one counted download). */
    void read(GpuBuffer src, long srcOff, float[] dst, int dstOff, int len);

    /**
     * Queues a copy of {@code src[srcOff, srcOff + len)} to the host after the work queued so far
     * (one counted download) and returns without waiting: where the device can, the copy runs on a
     * queue of its own, alongside work queued after it, so no later work may write {@code src}
     * before {@link PendingRead#finish} or {@link PendingRead#discard} (DeviceMirrors finishes a
     * read before an op may write the array).
     */
    PendingRead startRead(GpuBuffer src, long srcOff, int len);

    /** Queues a device copy of {@code len} floats from {@code src[srcOff]} to {@code dst[dstOff]}. */
    void copy(GpuBuffer src, long srcOff, GpuBuffer dst, long dstOff, long len);

    /**
     * A buffer whose element 0 is element {@code offset} of {@code b} and that shares its memory
     * (a CUDA device pointer plus an offset), or null where the device cannot alias a buffer at
     * an arbitrary float offset (OpenCL): {@link Residency} then copies the window.
     */
    GpuBuffer alias(GpuBuffer b, long offset);
}
