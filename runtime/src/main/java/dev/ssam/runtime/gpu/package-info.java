/**
 * The device-neutral GPU layer both GPU backends implement: {@link dev.ssam.runtime.gpu.GpuContext}
 * (one device: queue or stream, compiled-program cache, caching allocator, transfer statistics),
 * {@link dev.ssam.runtime.gpu.GpuSession} (the work of one op: programs, buffers, launches and
 * tensor residency), {@link dev.ssam.runtime.gpu.GpuBuffer} and
 * {@link dev.ssam.runtime.gpu.GpuProgram} handles, and {@link dev.ssam.runtime.gpu.KernelSource}
 * (one portable kernel source, compiled as OpenCL C by {@code runtime.opencl} and as CUDA C by
 * {@code runtime.cuda}). Ops are written once against these interfaces.
 */
package dev.ssam.runtime.gpu;
