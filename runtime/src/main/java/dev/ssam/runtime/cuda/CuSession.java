package dev.ssam.runtime.cuda;

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

/**
 * The {@link GpuSession} of a {@link CuContext}: holds the context's lock and makes the context
 * current on the calling thread, hands out device buffers from the caching allocator (returned
 * when the session closes), queues asynchronous copies and launches on the context's stream,
 * keeps tensors resident ({@link Residency}; a window is an alias into its array's device copy)
 * and runs cuBLAS GEMMs ({@link #sgemm}). Every failure names the op.
 *
 * <p>A launch of {@code items} work-items in groups of {@code local} is a grid of
 * {@code ceil(items / local)} blocks of {@code local} threads (portable.h maps the OpenCL ids onto
 * CUDA's); arguments are packed by {@link KernelArgs}. The stream is in order, so a download sees
 * every launch queued before it; closing the session waits for the stream.
 *
 * <pre>{@code
 * try (CuSession s = CuContext.primary().session("relu")) {
 *     GpuProgram p = s.program(SRC, null);
 *     GpuBuffer x = s.in(xTensor);                            // (n), resident
 *     GpuBuffer y = s.out(yTensor);                           // (n), resident, device-newer
 *     s.launch1d(p, "relu", n, 256, x, y, n);
 * }
 * }</pre>
 */
public final class CuSession implements GpuSession {
    /** Largest grid per dimension (x, y, z). */
    private static final long[] MAX_GRID = {Integer.MAX_VALUE, 65535, 65535};
    private final CuContext ctx;
    private final String op;
    private final List<CuBuffer> acquired = new ArrayList<>();
    private final Residency residency;
    private boolean closed;

    CuSession(CuContext ctx, String op) {
        this.ctx = ctx;
        this.op = op;
        this.residency = new Residency(ctx.memory, this::alloc);
        ctx.lock.lock();
        try {
            ctx.bind();
        } catch (RuntimeException e) {
            ctx.lock.unlock();
            throw e;
        }
    }

    @Override
    public CuContext context() {
        return ctx;
    }

    /** The device's description. */
    public CuDevice device() {
        return ctx.device();
    }

    @Override
    public CuProgram program(KernelSource source, String defines) {
        return ctx.program(source, defines, op);
    }

    @Override
    public CuBuffer alloc(long floats) {
        CuBuffer b = ctx.pool.acquire(Math.max(1, floats) * Float.BYTES, op);
        acquired.add(b);
        return b;
    }

    @Override
    public CuBuffer upload(Tensor t) {
        if (t == null) {
            return null;
        }
        DeviceMirrors.beforeHostRead(t.storage());
        CuBuffer b = alloc(t.size());
        ctx.write(t.storage(), t.offset(), b, 0, t.size(), op);
        return b;
    }

    @Override
    public void download(GpuBuffer b, Tensor t) {
        DeviceMirrors.beforeHostWrite(t.storage());
        ctx.read(cu(b), 0, t.storage(), t.offset(), t.size(), op);
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

    /** Queues setting the first {@code floats} floats of {@code b} to {@code value}. */
    public void fill(GpuBuffer b, long floats, float value) {
        if (floats > 0) {
            ctx.driver.memset32(cu(b).ptr, Float.floatToRawIntBits(value), floats, ctx.stream, op);
        }
    }

    /**
     * Queues the row-major {@code C = alpha op(A) op(B) + beta C} on cuBLAS, in the context's math
     * mode (Gemm's contract: A is {@code (m, k)} with row stride {@code lda}, or {@code (k, m)} when
     * {@code transA}; B is {@code (k, n)}, or {@code (n, k)} when {@code transB}; C is {@code (m, n)}
     * with row stride {@code ldc}). {@code a} and {@code b} may be null when {@code k == 0}. The
     * operand mapping onto column-major cuBLAS is {@link Cublas#rowMajor}.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, GpuBuffer a, int lda,
                      GpuBuffer b, int ldb, float beta, GpuBuffer c, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        ctx.cublas.sgemm(ctx.blas, transA, transB, m, n, k, alpha, ptr(a), lda, ptr(b), ldb, beta, cu(c).ptr, ldc, op);
        ctx.countLaunch();
    }

    /**
     * {@link #sgemm} for {@code batch} products whose operands lie {@code strideA}, {@code strideB},
     * {@code strideC} floats apart ({@code cublasSgemmStridedBatched}).
     */
    public void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, GpuBuffer a,
                                    int lda, long strideA, GpuBuffer b, int ldb, long strideB, float beta, GpuBuffer c,
                                    int ldc, long strideC, int batch) {
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        ctx.cublas.sgemmStridedBatched(ctx.blas, transA, transB, m, n, k, alpha, ptr(a), lda, strideA, ptr(b), ldb,
                strideB, beta, cu(c).ptr, ldc, strideC, batch, op);
        ctx.countLaunch();
    }

    @Override
    public void launch1d(GpuProgram p, String kernel, long items, int local, Object... args) {
        launch((CuProgram) p, kernel, new long[] {items}, new int[] {local}, args);
    }

    @Override
    public void launch2d(GpuProgram p, String kernel, long items0, long items1, int local0, int local1,
                         Object... args) {
        launch((CuProgram) p, kernel, new long[] {items0, items1}, new int[] {local0, local1}, args);
    }

    private void launch(CuProgram p, String name, long[] items, int[] local, Object[] args) {
        CuProgram.Kernel k = p.kernel(ctx.driver, name, op);
        int[] grid = {1, 1, 1};
        int[] block = {1, 1, 1};
        long threads = 1;
        for (int i = 0; i < items.length; i++) {
            if (items[i] == 0) {
                return;
            }
            if (local[i] <= 0) {
                throw new IllegalArgumentException(op + ": kernel " + name + " group size " + local[i]
                        + " in dimension " + i + ", expected > 0");
            }
            long groups = grid(items[i], local[i]);
            if (groups > MAX_GRID[i]) {
                throw new IllegalStateException(op + ": kernel " + name + " needs " + groups + " blocks in dimension "
                        + i + ", CUDA allows at most " + MAX_GRID[i]);
            }
            grid[i] = (int) groups;
            block[i] = local[i];
            threads *= local[i];
        }
        if (threads > k.maxThreads()) {
            throw new IllegalStateException(op + ": kernel " + name + " needs blocks of " + threads + " threads, "
                    + ctx.device().name() + " allows at most " + k.maxThreads() + " for it");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = KernelArgs.pack(a, args, name, op);
            ctx.driver.launch(k.function(), grid, block, ctx.stream, params, name, op);
        }
        ctx.countLaunch();
    }

    /** Blocks for {@code items} work-items in groups of {@code local}: {@code ceil(items / local)}. */
    static long grid(long items, int local) {
        return (items + local - 1) / local;
    }

    private CuBuffer cu(GpuBuffer b) {
        if (b instanceof CuBuffer c) {
            return c;
        }
        throw new IllegalArgumentException(op + ": " + (b == null ? "a null buffer" : "a buffer of another device ("
                + b.getClass().getSimpleName() + ")") + " was passed to CUDA");
    }

    private long ptr(GpuBuffer b) {
        return b == null ? 0L : cu(b).ptr;
    }

    /** Copies written windows back, waits for the stream, returns every buffer to the pool and releases the context. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            residency.finish();
            ctx.synchronize(op);
        } finally {
            for (CuBuffer b : acquired) {
                ctx.pool.release(b);
            }
            acquired.clear();
            ctx.lock.unlock();
        }
    }
}
