package dev.ssam.runtime.gpu;

/**
 * A float buffer in device memory, handed out by a {@link GpuSession}. Element 0 is what a kernel
 * argument receiving this buffer points at. The handle is only meaningful to the context that
 * made it.
 */
public interface GpuBuffer {
    /** Capacity in floats (at least what was asked for). */
    long floats();
}
