package dev.ssam.runtime.opencl;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.DeviceMirrors;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;
import dev.ssam.runtime.gpu.Residency;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The {@link GpuSession} of a {@link ClContext}: holds the context's lock, hands out device
 * buffers from the pool (returned when the session closes), copies host floats in and out through
 * the context's staging memory, keeps tensors resident ({@link Residency}: a window at a nonzero
 * offset goes through a temporary and {@code clEnqueueCopyBuffer}), and launches kernels. Every
 * failure names the op.
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
public final class ClSession implements GpuSession {
    private final ClContext ctx;
    private final String op;
    private final List<ClBuffer> acquired = new ArrayList<>();
    private final Residency residency;
    private boolean closed;

    ClSession(ClContext ctx, String op) {
        this.ctx = ctx;
        this.op = op;
        this.residency = new Residency(ctx.memory, this::alloc);
        ctx.lock.lock();
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

    /** A device buffer of at least {@code floats} floats (contents undefined). */
    @Override
    public ClBuffer alloc(long floats) {
        ClBuffer b = ctx.pool.acquire(Math.max(1, floats) * Float.BYTES, op);
        acquired.add(b);
        return b;
    }

    /** A temporary device copy of the tensor's window (host contents, brought back first if a device had newer); null for null. */
    @Override
    public ClBuffer upload(Tensor t) {
        if (t == null) {
            return null;
        }
        DeviceMirrors.beforeHostRead(t.storage());
        return upload(t.storage(), t.offset(), t.size());
    }

    /** A temporary device copy of {@code a[off, off + len)}. */
    public ClBuffer upload(float[] a, int off, int len) {
        ClBuffer b = alloc(len);
        ctx.write(a, off, b, 0, len, op);
        return b;
    }

    /** Copies the first {@code t.size()} floats of {@code b} into the tensor's window (the host copy becomes the newer). */
    @Override
    public void download(GpuBuffer b, Tensor t) {
        DeviceMirrors.beforeHostWrite(t.storage());
        download((ClBuffer) b, t.storage(), t.offset(), t.size());
    }

    /** Copies the first {@code len} floats of {@code b} to {@code dst[off, off + len)}. */
    public void download(ClBuffer b, float[] dst, int off, int len) {
        ctx.read(b, 0, dst, off, len, op);
    }

    @Override
    public GpuBuffer in(Tensor t) {
        return residency.in(t);
    }

    @Override
    public GpuBuffer out(Tensor t) {
        return residency.out(t);
    }

    @Override
    public GpuBuffer inOut(Tensor t) {
        return residency.inOut(t);
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

    /** Launches {@code kernel} over {@code items} work-items (rounded up to whole groups of {@code local}). */
    @Override
    public void launch1d(GpuProgram p, String kernel, long items, int local, Object... args) {
        launch((ClProgram) p, kernel, new long[] {items}, new long[] {local}, args);
    }

    /** Launches {@code kernel} over {@code items0 x items1} work-items (each rounded up to whole groups). */
    @Override
    public void launch2d(GpuProgram p, String kernel, long items0, long items1, int local0, int local1,
                         Object... args) {
        launch((ClProgram) p, kernel, new long[] {items0, items1}, new long[] {local0, local1}, args);
    }

    private void launch(ClProgram p, String name, long[] items, long[] local, Object[] args) {
        ClProgram.Kernel k = p.kernel(ctx.api, ctx.device, name, op);
        long group = 1;
        long[] global = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            if (items[i] == 0) {
                return;
            }
            group *= local[i];
            global[i] = (items[i] + local[i] - 1) / local[i] * local[i];
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
        ctx.api.enqueue(ctx.queue, k.handle(), global, local, name, op);
        ctx.countLaunch();
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

    /** Copies written windows back into their resident copies, waits for the queue, returns every buffer to the pool and releases the context. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            residency.finish();
            ctx.api.finish(ctx.queue, op);
        } finally {
            for (ClBuffer b : acquired) {
                ctx.pool.release(b);
            }
            acquired.clear();
            ctx.lock.unlock();
        }
    }
}
