package dev.ssam.runtime.gpu;

import dev.ssam.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the CUDA and OpenCL sessions share: holding the context's lock from construction to
 * {@link #close()}, the temporary buffers (from the context's {@link BufferPool}, all returned at
 * close), tensor residency ({@link Residency}), uploads and downloads through the context's
 * {@link AbstractGpuContext#write} and {@link AbstractGpuContext#read}, launch sizes (whole groups
 * of {@code local} covering {@code items}) and the launch count. A backend adds the launch itself
 * ({@link #launch}) and its own extras (cuBLAS calls, row-wise downloads).
 *
 * <pre>{@code
 * public final class ClSession extends AbstractGpuSession<ClBuffer> {
 *     ClSession(ClContext ctx, String op) {
 *         super(ctx, ctx.memory, ctx.pool, op, () -> { });
 *         ...
 * }
 * }</pre>
 *
 * @param <B> the backend's buffer
 */
public abstract class AbstractGpuSession<B extends GpuBuffer> implements GpuSession {
    /** The op named in every error. */
    protected final String op;
    private final AbstractGpuContext<?, B> context;
    private final BufferPool<B> pool;
    private final Residency residency;
    private final List<B> acquired = new ArrayList<>();
    private final long openedNanos;
    private boolean closed;

    /**
     * Takes the context's lock until {@link #close()}, then runs {@code onLocked} (CUDA makes its
     * context current on the calling thread); when that fails the lock is released again.
     *
     * @param memory the context's resident memory
     * @param pool   the context's pool, for temporary buffers
     */
    protected AbstractGpuSession(AbstractGpuContext<?, B> context, GpuMemory memory, BufferPool<B> pool, String op,
                                 Runnable onLocked) {
        this.context = context;
        this.pool = pool;
        this.op = op;
        this.residency = new Residency(memory, this::alloc);
        context.lock.lock();
        try {
            onLocked.run();
        } catch (RuntimeException e) {
            context.lock.unlock();
            throw e;
        }
        openedNanos = context.profile() == null ? 0L : System.nanoTime();
    }

    /** A device buffer of at least {@code floats} floats (contents undefined), returned to the pool at close. */
    @Override
    public final B alloc(long floats) {
        B b = pool.acquire(Math.max(1, floats) * Float.BYTES, op);
        acquired.add(b);
        return b;
    }

    /** A temporary device copy of the tensor's window (host contents, brought back first if a device had newer); null for null. */
    @Override
    public final B upload(Tensor t) {
        if (t == null) {
            return null;
        }
        DeviceMirrors.beforeHostRead(t.storage());
        return profiled("upload", () -> upload(t.storage(), t.offset(), t.size()));
    }

    /** Copies the first {@code t.size()} floats of {@code b} into the tensor's window (the host copy becomes the newer). */
    @Override
    public final void download(GpuBuffer b, Tensor t) {
        DeviceMirrors.beforeHostWrite(t.storage());
        B own = own(b);
        profiled("download", () -> download(own, t.storage(), t.offset(), t.size()));
    }

    @Override
    public final GpuBuffer in(Tensor t) {
        return profiled("resident in", () -> residency.in(t));
    }

    @Override
    public final GpuBuffer out(Tensor t) {
        return profiled("resident out", () -> residency.out(t));
    }

    @Override
    public final GpuBuffer inOut(Tensor t) {
        return profiled("resident inOut", () -> residency.inOut(t));
    }

    /** Launches {@code kernel} over {@code items} work-items (rounded up to whole groups of {@code local}). */
    @Override
    public final void launch1d(GpuProgram p, String kernel, long items, int local, Object... args) {
        profiled(kernel, () -> launch(p, kernel, new long[] {items}, new int[] {local}, args));
    }

    /** Launches {@code kernel} over {@code items0 x items1} work-items (each rounded up to whole groups). */
    @Override
    public final void launch2d(GpuProgram p, String kernel, long items0, long items1, int local0, int local1,
                               Object... args) {
        profiled(kernel, () -> launch(p, kernel, new long[] {items0, items1}, new int[] {local0, local1}, args));
    }

    /**
     * Copies written windows back into their resident copies, waits for the device where the
     * backend asks for it ({@link #waitsAtClose()}), returns every temporary buffer to the pool and
     * releases the context. A second call does nothing.
     */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            residency.finish();
            GpuProfile profile = context.profile();
            if (waitsAtClose() || profile != null) {
                context.drain(op);
            }
            if (profile != null) {
                profile.add(op, GpuProfile.SESSION, System.nanoTime() - openedNanos);
            }
        } finally {
            try {
                for (B b : acquired) {
                    pool.release(b);
                }
                acquired.clear();
            } finally {
                context.lock.unlock();
            }
        }
    }

    /**
     * Whether {@link #close()} waits for the device. True here (an in-order OpenCL queue whose
     * errors then name the op that caused them); a backend whose stream orders every later use of
     * the temporary buffers after the op's work may return false and let the host run ahead.
     */
    protected boolean waitsAtClose() {
        return true;
    }

    /**
     * Runs {@code work} (one launch, library call or copy); while the context is profiling it is
     * timed as {@code what} between two waits for the device ({@link GpuProfile}).
     */
    protected final void profiled(String what, Runnable work) {
        profiled(what, () -> {
            work.run();
            return null;
        });
    }

    /** {@link #profiled(String, Runnable)} for work with a result. */
    protected final <T> T profiled(String what, Supplier<T> work) {
        GpuProfile profile = context.profile();
        if (profile == null) {
            return work.get();
        }
        context.drain(op);
        long t0 = System.nanoTime();
        T result = work.get();
        context.drain(op);
        profile.add(op, what, System.nanoTime() - t0);
        return result;
    }

    /** Whether the context is profiling (so a caller builds a costly {@link #profiled} name only then). */
    protected final boolean profiling() {
        return context.profile() != null;
    }

    /** A temporary device copy of {@code a[off, off + len)}. */
    protected B upload(float[] a, int off, int len) {
        B b = alloc(len);
        context.write(a, off, b, 0, len, op);
        return b;
    }

    /** Copies the first {@code len} floats of {@code b} to {@code dst[off, off + len)}, after earlier work. */
    protected void download(B b, float[] dst, int off, int len) {
        context.read(b, 0, dst, off, len, op);
    }

    /**
     * Queues {@code kernel} of {@code p} over {@code items} work-items per dimension in groups of
     * {@code local} ({@link #groups} gives the group counts) and counts it ({@link #countLaunch}).
     */
    protected abstract void launch(GpuProgram p, String kernel, long[] items, int[] local, Object[] args);

    /**
     * The groups (CUDA blocks) per dimension that cover {@code items} work-items in groups of
     * {@code local}: {@code ceil(items / local)} each; null when a dimension has no work-items
     * (nothing to launch).
     *
     * @throws IllegalArgumentException when a group size is not positive
     */
    protected final long[] groups(String kernel, long[] items, int[] local) {
        long[] groups = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            if (items[i] == 0) {
                return null;
            }
            if (local[i] <= 0) {
                throw new IllegalArgumentException(op + ": kernel " + kernel + " group size " + local[i]
                        + " in dimension " + i + ", expected > 0");
            }
            groups[i] = groupCount(items[i], local[i]);
        }
        return groups;
    }

    /** Groups of {@code local} that cover {@code items}: {@code ceil(items / local)}. */
    protected static long groupCount(long items, int local) {
        return (items + local - 1) / local;
    }

    /** Counts one kernel launch or library call in the context's statistics. */
    protected final void countLaunch() {
        context.countLaunch();
    }

    /** {@code b} as this backend's buffer; a null buffer or another device's is an error naming the op. */
    protected final B own(GpuBuffer b) {
        Class<B> type = context.bufferType;
        if (type.isInstance(b)) {
            return type.cast(b);
        }
        throw new IllegalArgumentException(op + ": " + (b == null ? "a null buffer" : "a buffer of another device ("
                + b.getClass().getSimpleName() + ")") + " was passed to " + context.backend);
    }
}
