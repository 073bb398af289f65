package dev.ssam.runtime.gpu;

import dev.ssam.runtime.Tensor;

/**
 * The work of one op on a {@link GpuContext}: holds the device for the op's duration, compiles
 * or fetches programs, hands out temporary buffers (returned when the session closes), moves
 * tensors to and from the device and launches kernels. Every failure names the op.
 *
 * <p>Kernel arguments are {@link GpuBuffer}, {@code Integer}, {@code Float} or {@code null} (a
 * NULL pointer: an absent optional input), in the kernel's parameter order (portable.h rule 2).
 * Launch sizes are in work-items and are rounded up to whole groups of {@code local}.
 *
 * <h2>Residency</h2>
 * {@link #in}, {@link #out} and {@link #inOut} return the tensor's <em>resident</em> device copy:
 * it outlives the session, is kept per host array (views of one array share it) and is copied
 * only when the other side has changed it. A host access to the array through {@link Tensor}
 * brings the device's newer contents back first, and the device copy is refreshed before the
 * next device use. So a chain of ops on one device keeps its tensors there, and only what the
 * host reads crosses. {@link #upload} and {@link #download} are plain temporary copies.
 *
 * <pre>{@code
 * try (GpuSession s = ctx.session("relu")) {
 *     GpuProgram p = s.program(SRC, null);
 *     GpuBuffer x = s.in(xTensor);                            // (n), resident
 *     GpuBuffer y = s.out(yTensor);                           // (n), resident, device-newer
 *     s.launch1d(p, "relu", n, 256, x, y, n);
 * }
 * }</pre>
 */
public interface GpuSession extends AutoCloseable {
    /** The context this session runs on. */
    GpuContext context();

    /** The program of {@code source} with extra {@code -D} options {@code defines} (nullable), from the cache. */
    GpuProgram program(KernelSource source, String defines);

    /** A temporary device buffer of at least {@code floats} floats (contents undefined). */
    GpuBuffer alloc(long floats);

    /** A temporary device copy of the tensor's window; null for null. */
    GpuBuffer upload(Tensor t);

    /** Copies the first {@code t.size()} floats of {@code b} into the tensor's window on the host. */
    void download(GpuBuffer b, Tensor t);

    /** The tensor's window on the device for reading (element 0 = the window's first element); null for null. */
    GpuBuffer in(Tensor t);

    /** The tensor's window on the device for writing; after the op the device holds its newest contents. */
    GpuBuffer out(Tensor t);

    /** The tensor's window on the device for reading and writing. */
    GpuBuffer inOut(Tensor t);

    /** Launches {@code kernel} over {@code items} work-items in groups of {@code local}. */
    void launch1d(GpuProgram p, String kernel, long items, int local, Object... args);

    /** Launches {@code kernel} over {@code items0 x items1} work-items in groups of {@code local0 x local1}. */
    void launch2d(GpuProgram p, String kernel, long items0, long items1, int local0, int local1, Object... args);

    /** Finishes the op's work, returns temporary buffers and releases the device. */
    @Override
    void close();
}
