package dev.ssam.runtime.opencl;

import dev.ssam.runtime.gpu.AbstractGpuSession;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;
import dev.ssam.runtime.gpu.Residency;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The {@link GpuSession} of a {@link ClContext}: holds the context's lock, hands out device
 * buffers from the pool (returned when the session closes), copies host floats in and out through
 * the context's staging memory, keeps tensors resident ({@link Residency}: a window at a nonzero
 * offset goes through a temporary and {@code clEnqueueCopyBuffer}), and launches kernels. Every
 * failure names the op. What it shares with the CUDA session lives in {@link AbstractGpuSession};
 * here are the kernel arguments and the launch.
 *
 * <p>Transfers are blocking and the queue is in order, so a download sees every kernel launched
 * before it. Kernel arguments are {@link ClBuffer}, {@code Integer}, {@code Float} or
 * {@code null} (a NULL buffer: an absent optional input); work-group memory is declared inside
 * the kernels (portable.h, rule 4).
 *
 * <pre>{@code
 * try (ClSession s = ctx.session("relu")) {
 *     ClProgram p = s.program(SRC, null);
 *     ClBuffer x = s.upload(xTensor);                         // (n)
 *     ClBuffer y = s.alloc(n);                                // (n)
 *     s.launch1d(p, "relu", n, 256, x, y, n);
 *     s.download(y, yTensor);
 * }
 * }</pre>
 */
public final class ClSession extends AbstractGpuSession<ClBuffer> {
    private final ClContext ctx;

    ClSession(ClContext ctx, String op) {
        super(ctx, ctx.memory, ctx.pool, op, () -> { });
        this.ctx = ctx;
    }

    @Override
    public ClContext context() {
        return ctx;
    }

    /** The device's description (work-group and memory limits). */
    public ClDevice device() {
        return ctx.device();
    }

    /** The program of {@code source} with extra build options {@code defines} (nullable), from the cache. */
    @Override
    public ClProgram program(KernelSource source, String defines) {
        return ctx.program(source, defines, op);
    }

    /** A temporary device copy of {@code a[off, off + len)}. */
    @Override
    public ClBuffer upload(float[] a, int off, int len) {
        return super.upload(a, off, len);
    }

    /** Copies the first {@code len} floats of {@code b} to {@code dst[off, off + len)}. */
    @Override
    public void download(ClBuffer b, float[] dst, int off, int len) {
        super.download(b, dst, off, len);
    }

    /**
     * Copies {@code rows} rows of {@code rowLen} floats, {@code srcStride} apart in {@code b}, to
     * rows {@code dstStride} apart from {@code dst[dstOff]}; the floats between rows of
     * {@code dst} are not written.
     */
    public void downloadRows(ClBuffer b, int rows, int rowLen, int srcStride, float[] dst, int dstOff,
                             int dstStride) {
        if (rows == 0 || rowLen == 0) {
            return;
        }
        int len = (rows - 1) * srcStride + rowLen;
        float[] rowsRead = new float[len];
        ctx.read(b, 0, rowsRead, 0, len, op);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(rowsRead, r * srcStride, dst, dstOff + r * dstStride, rowLen);
        }
    }

    /** The first {@code len} floats of {@code b} as a new array. */
    public float[] read(ClBuffer b, int len) {
        float[] out = new float[len];
        download(b, out, 0, len);
        return out;
    }

    @Override
    protected void launch(GpuProgram p, String name, long[] items, int[] local, Object[] args) {
        ClProgram.Kernel k = ((ClProgram) p).kernel(ctx.api, ctx.device, name, op);
        long[] groups = groups(name, items, local);
        if (groups == null) {
            return;
        }
        long group = 1;
        long[] global = new long[items.length];
        long[] sizes = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            group *= local[i];
            global[i] = groups[i] * local[i];
            sizes[i] = local[i];
        }
        if (group > k.maxWorkGroup()) {
            throw new IllegalStateException(op + ": kernel " + name + " needs work-groups of " + group
                    + " work-items, " + ctx.device().name() + " allows at most " + k.maxWorkGroup() + " for it");
        }
        try (Arena a = Arena.ofConfined()) {
            for (int i = 0; i < args.length; i++) {
                setArg(a, k, i, args[i]);
            }
        }
        ctx.api.enqueue(ctx.queue, k.handle(), global, sizes, name, op);
        countLaunch();
    }

    private void setArg(Arena a, ClProgram.Kernel k, int i, Object arg) {
        switch (arg) {
            case null -> ctx.api.setArg(k.handle(), i, ADDRESS.byteSize(), MemorySegment.NULL, k.name(), op);
            case ClBuffer b -> {
                MemorySegment v = a.allocate(ADDRESS);
                v.set(ADDRESS, 0, b.mem);
                ctx.api.setArg(k.handle(), i, ADDRESS.byteSize(), v, k.name(), op);
            }
            case Integer n -> ctx.api.setArg(k.handle(), i, 4, a.allocateFrom(JAVA_INT, n), k.name(), op);
            case Float f -> ctx.api.setArg(k.handle(), i, 4, a.allocateFrom(JAVA_FLOAT, f), k.name(), op);
            default -> throw new IllegalArgumentException(op + ": kernel " + k.name() + " argument " + i + " is a "
                    + arg.getClass().getSimpleName() + ", expected ClBuffer, Integer, Float or null");
        }
    }
}
