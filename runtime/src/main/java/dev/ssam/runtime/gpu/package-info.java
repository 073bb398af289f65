/**
 * The device-neutral GPU layer both GPU backends implement: {@link dev.ssam.runtime.gpu.GpuContext}
 * (one device: queue or stream, compiled-program cache, caching allocator, transfer statistics),
 * {@link dev.ssam.runtime.gpu.GpuSession} (the work of one op: programs, buffers, launches and
 * tensor residency), {@link dev.ssam.runtime.gpu.GpuBuffer} and
 * {@link dev.ssam.runtime.gpu.GpuProgram} handles, and {@link dev.ssam.runtime.gpu.KernelSource}
 * (one portable kernel source, compiled as OpenCL C by {@code runtime.opencl} and as CUDA C by
 * {@code runtime.cuda}). Ops are written once against these interfaces. What both backends share
 * is implemented here once: {@link dev.ssam.runtime.gpu.AbstractGpuContext} (lock, program cache,
 * statistics), {@link dev.ssam.runtime.gpu.AbstractGpuSession} (temporaries, residency, transfers,
 * launch sizes), {@link dev.ssam.runtime.gpu.BufferPool}, {@link dev.ssam.runtime.gpu.ContextMemory}
 * and {@link dev.ssam.runtime.gpu.DeviceSetup} (a process-wide device made once, a failed setup
 * kept); {@link dev.ssam.runtime.gpu.DeviceMirrors} and {@link dev.ssam.runtime.gpu.Residency}
 * keep host tensors' device copies.
 */
package dev.ssam.runtime.gpu;
