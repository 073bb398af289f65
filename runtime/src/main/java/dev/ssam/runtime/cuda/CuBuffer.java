package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.GpuBuffer;

/**
 * A float buffer in CUDA device memory: the device address of its element 0 and its capacity.
 * A window into a larger allocation (a tensor view) is a {@code CuBuffer} whose address is the
 * allocation's plus the window's offset; only the allocation itself goes back to the allocator.
 */
public final class CuBuffer implements GpuBuffer {
    final long ptr;
    private final long floats;

    CuBuffer(long ptr, long floats) {
        this.ptr = ptr;
        this.floats = floats;
    }

    /** The {@code CUdeviceptr} of element 0. */
    public long address() {
        return ptr;
    }

    @Override
    public long floats() {
        return floats;
    }

    /** The window {@code [offset, offset + floats)} of this buffer. */
    CuBuffer window(long offset, long floats) {
        if (offset < 0 || floats < 0 || offset + floats > this.floats) {
            throw new IllegalArgumentException("window [" + offset + ", " + (offset + floats) + ") of a buffer of "
                    + this.floats + " floats");
        }
        return offset == 0 && floats == this.floats ? this : new CuBuffer(ptr + offset * Float.BYTES, floats);
    }

    @Override
    public String toString() {
        return "CuBuffer(0x" + Long.toHexString(ptr) + ", " + floats + " floats)";
    }
}
