package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.AbstractGpuSession;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;
import dev.ssam.runtime.gpu.Residency;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The {@link GpuSession} of a {@link CuContext}: holds the context's lock and makes the context
 * current on the calling thread, hands out device buffers from the caching allocator (returned
 * when the session closes), queues asynchronous copies and launches on the context's stream,
 * keeps tensors resident ({@link Residency}; a window is an alias into its array's device copy)
 * and runs cuBLAS GEMMs ({@link #sgemm}). Every failure names the op. What it shares with the
 * OpenCL session lives in {@link AbstractGpuSession}; here are the launch, fills and cuBLAS calls.
 *
 * <p>A launch of {@code items} work-items in groups of {@code local} is a grid of
 * {@code ceil(items / local)} blocks of {@code local} threads (portable.h maps the OpenCL ids onto
 * CUDA's); arguments are packed by {@link KernelArgs}. The stream is in order, so a download sees
 * every launch queued before it. Closing the session does not wait for the stream: the host runs
 * ahead queuing the next ops (a download waits, and an upload whose staging region an earlier
 * copy still reads waits for that copy), so a fault in a kernel is
 * reported by the next call that waits, which may belong to a later op.
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
public final class CuSession extends AbstractGpuSession<CuBuffer> {
    /** Largest grid per dimension (x, y, z). */
    private static final long[] MAX_GRID = {Integer.MAX_VALUE, 65535, 65535};
    private final CuContext ctx;

    CuSession(CuContext ctx, String op) {
        super(ctx, ctx.memory, ctx.pool, op, ctx::bind);
        this.ctx = ctx;
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

    /** Queues setting the first {@code floats} floats of {@code b} to {@code value}. */
    public void fill(GpuBuffer b, long floats, float value) {
        if (floats > 0) {
            CuBuffer own = own(b);
            profiled("memset", () -> ctx.driver.memset32(own.ptr, Float.floatToRawIntBits(value), floats, ctx.stream, op));
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
        profiled(gemmName("sgemm", transA, transB, m, n, k, 1), () -> ctx.cublas.sgemm(ctx.blas, transA, transB, m, n,
                k, alpha, ptr(a), lda, ptr(b), ldb, beta, own(c).ptr, ldc, op));
        countLaunch();
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
        profiled(gemmName("sgemmStridedBatched", transA, transB, m, n, k, batch), () -> ctx.cublas.sgemmStridedBatched(
                ctx.blas, transA, transB, m, n, k, alpha, ptr(a), lda, strideA, ptr(b), ldb, strideB, beta, own(c).ptr,
                ldc, strideC, batch, op));
        countLaunch();
    }

    @Override
    protected void launch(GpuProgram p, String name, long[] items, int[] local, Object[] args) {
        CuProgram.Kernel k = ((CuProgram) p).kernel(ctx.driver, name, op);
        long[] groups = groups(name, items, local);
        if (groups == null) {
            return;
        }
        int[] grid = {1, 1, 1};
        int[] block = {1, 1, 1};
        long threads = 1;
        for (int i = 0; i < groups.length; i++) {
            if (groups[i] > MAX_GRID[i]) {
                throw new IllegalStateException(op + ": kernel " + name + " needs " + groups[i] + " blocks in "
                        + "dimension " + i + ", CUDA allows at most " + MAX_GRID[i]);
            }
            grid[i] = (int) groups[i];
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
        countLaunch();
    }

    /** No wait at close: the one stream orders the next op (and the next user of each temporary buffer) after this one's work. */
    @Override
    protected boolean waitsAtClose() {
        return false;
    }

    /** A GEMM's name in a profile: the call, transposes and shape, e.g. {@code sgemm NT 50x192x1152} (just the call when not profiling). */
    private String gemmName(String call, boolean transA, boolean transB, int m, int n, int k, int batch) {
        if (!profiling()) {
            return call;
        }
        return call + " " + (transA ? 'T' : 'N') + (transB ? 'T' : 'N') + " " + m + "x" + n + "x" + k
                + (batch > 1 ? " x" + batch : "");
    }

    /** Blocks for {@code items} work-items in groups of {@code local}: {@code ceil(items / local)}. */
    static long grid(long items, int local) {
        return groupCount(items, local);
    }

    private long ptr(GpuBuffer b) {
        return b == null ? 0L : own(b).ptr;
    }
}
