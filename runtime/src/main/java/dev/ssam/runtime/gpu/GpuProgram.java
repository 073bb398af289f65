package dev.ssam.runtime.gpu;

/**
 * One {@link KernelSource} compiled for one device with one set of {@code -D} defines (an
 * OpenCL program, a CUDA module), from its context's cache; kernels are launched by name
 * through {@link GpuSession#launch1d} and {@link GpuSession#launch2d}.
 */
public interface GpuProgram {
    /** The source it was compiled from. */
    KernelSource source();
}
