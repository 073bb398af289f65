package dev.ssam.runtime.opencl;

import dev.ssam.runtime.gpu.GpuBuffer;

import java.lang.foreign.MemorySegment;

/**
 * A device buffer ({@code cl_mem}) of {@link #bytes()} capacity, handed out by a
 * {@link ClSession} from its context's {@link ClBufferPool}. A temporary stays valid until the
 * session closes, then returns to the pool; a resident tensor copy until its array is collected.
 */
public final class ClBuffer implements GpuBuffer {
    final MemorySegment mem;
    private final long bytes;

    ClBuffer(MemorySegment mem, long bytes) {
        this.mem = mem;
        this.bytes = bytes;
    }

    /** Capacity in bytes (the pool's size class, at least what was asked for). */
    public long bytes() {
        return bytes;
    }

    @Override
    public long floats() {
        return bytes / Float.BYTES;
    }

    @Override
    public String toString() {
        return "ClBuffer(" + bytes + " bytes)";
    }
}
