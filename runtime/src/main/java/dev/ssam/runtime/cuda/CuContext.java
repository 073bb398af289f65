package dev.ssam.runtime.cuda;

import dev.ssam.runtime.RuntimeFlags;
import dev.ssam.runtime.gpu.AbstractGpuContext;
import dev.ssam.runtime.gpu.DeviceSetup;
import dev.ssam.runtime.gpu.HostCopy;
import dev.ssam.runtime.gpu.KernelCache;
import dev.ssam.runtime.gpu.KernelSource;
import dev.ssam.runtime.gpu.PendingRead;
import dev.ssam.runtime.gpu.StagingRing;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * CUDA device 0 as a {@link dev.ssam.runtime.gpu.GpuContext}: its primary context (the one the
 * CUDA runtime and cuBLAS share), one stream all work is queued on, a compiled-module cache keyed
 * by source hash and compile options (which name the architecture; the shared parts, with the
 * lock and the statistics, are {@link AbstractGpuContext}'s; the PTX is also kept on disk between
 * runs, {@link KernelCache}), a caching allocator ({@link CuBufferPool}),
 * page-locked staging memory for asynchronous host-device copies, a cuBLAS handle on the stream,
 * the device copies of host tensors ({@link CuMemory} for {@code DeviceMirrors}) and transfer
 * statistics. Ops use it through a {@link CuSession}, which holds the context's lock for the op's
 * duration: one op at a time per device, from any thread (each session makes the context current
 * on its thread).
 *
 * <p>Uploads are asynchronous: a host array is copied into a region of the staging memory and
 * {@code cuMemcpyHtoDAsync} queued, so the op's kernels queue behind it without a wait; an event
 * recorded behind the copy frees the region ({@link StagingRing}: a new region waits only for the
 * older copies it overlaps, so the next batch is copied in while the device computes on this one;
 * sessions do not wait at their close). Downloads wait for the stream (into page-locked blocks
 * kept for reuse, {@link CuDownloads}), except a
 * {@link #startRead} (a prefetch, {@code Tensor.prefetchToHost}): that copy runs on a second stream
 * while this one goes on computing ({@link CuDownloads}).
 *
 * <p>{@link #primary()} is created on first use and kept until the JVM exits; a failed setup is
 * kept as well and reported again, without a retry ({@link DeviceSetup}). The libraries come from
 * {@link CudaLibraries} ({@code -Dssam.cudaDriver}, {@code -Dssam.cudaLibraryPath}).
 *
 * <pre>{@code
 * CuContext cuda = CuContext.primary();     // throws CudaUnavailableException without a device
 * try (CuSession s = cuda.session("myOp")) { ... }
 * }</pre>
 */
public final class CuContext extends AbstractGpuContext<CuProgram, CuBuffer> {
    private static final String OP = "cuda";
    /** Free buffers kept by the pool: at most a quarter of device memory, and at most 2 GiB. */
    private static final long POOL_CAP = 2L << 30;
    private static final long STAGING_MIN = 1L << 20;
    private static final long STAGING_ALIGN = 256;
    private static final DeviceSetup<CuContext> PRIMARY = new DeviceSetup<>(CuContext::open, CuContext::again);

    final CuDriver driver;
    final Nvrtc nvrtc;
    final Cublas cublas;
    final MemorySegment context;
    final MemorySegment stream;
    final MemorySegment blas;
    final CuBufferPool pool;
    final CuMemory memory;
    private final CuDownloads downloads;
    private final CuDevice info;
    private Cublas.MathMode mathMode = fp32Mode();
    private final CuEvents events;
    private final StagingRing staging;
    private final KernelCache kernelCache = KernelCache.of(RuntimeFlags.CURRENT.gpuKernelCache());
    private long nvrtcCompiles;

    private CuContext(CuDriver driver, Nvrtc nvrtc, Cublas cublas, CuDevice info, MemorySegment context,
                      MemorySegment stream, MemorySegment blas) {
        super("CUDA", CuBuffer.class);
        this.driver = driver;
        this.nvrtc = nvrtc;
        this.cublas = cublas;
        this.info = info;
        this.context = context;
        this.stream = stream;
        this.blas = blas;
        this.pool = new CuBufferPool(driver, stream, Math.min(POOL_CAP, info.memBytes() / 4));
        this.memory = new CuMemory(this);
        this.events = new CuEvents(driver);
        this.downloads = new CuDownloads(this, events);
        this.staging = new StagingRing(bytes -> driver.allocHost(bytes, OP), b -> driver.freeHost(b, OP),
                () -> driver.synchronize(stream, OP), STAGING_MIN, STAGING_ALIGN);
    }

    /**
     * The process-wide context of CUDA device 0. A failed setup is not retried: later calls throw
     * the first failure again (same type and message, the first exception as cause).
     *
     * @throws CudaUnavailableException when a library is missing or no device exists
     * @throws CudaException            when a driver or cuBLAS call of the setup fails
     */
    public static CuContext primary() {
        return PRIMARY.get();
    }

    /**
     * Sets up device 0. What needs no context comes first (the three libraries, the device's
     * properties, the architecture to compile for); then the primary context is retained and made
     * current, and the stream and the cuBLAS handle are made. A failure after the retain undoes
     * what was made, in reverse order, so a failed setup holds nothing on the device.
     */
    private static CuContext open() {
        CuDriver driver = CuDriver.load();
        if (driver.deviceCount(OP) == 0) {
            throw new CudaUnavailableException("CUDA: " + driver.library + " reports no device", null);
        }
        int device = driver.device(0, OP);
        Nvrtc nvrtc = Nvrtc.load();
        Cublas cublas = Cublas.load();
        CuDevice info = describe(driver, nvrtc, device, 0);
        MemorySegment context = driver.primaryContext(device, OP);
        MemorySegment stream = MemorySegment.NULL;
        try {
            driver.setCurrent(context, OP);
            stream = driver.createStream(0, OP);
            MemorySegment blas = cublas.create(stream, fp32Mode(), OP);
            return new CuContext(driver, nvrtc, cublas, info, context, stream, blas);
        } catch (RuntimeException e) {
            MemorySegment made = stream;
            if (!made.equals(MemorySegment.NULL)) {
                DeviceSetup.undo(e, () -> driver.destroyStream(made, OP));
            }
            DeviceSetup.undo(e, () -> driver.setCurrent(MemorySegment.NULL, OP));
            DeviceSetup.undo(e, () -> driver.releasePrimaryContext(device, OP));
            throw e;
        }
    }

    private static CuDevice describe(CuDriver driver, Nvrtc nvrtc, int device, int ordinal) {
        int major = driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, OP);
        int minor = driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, OP);
        return new CuDevice(ordinal, driver.deviceName(device, OP), major, minor,
                driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, OP),
                driver.totalMem(device, OP),
                driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, OP),
                driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, OP),
                driver.driverVersion(OP), nvrtc.chooseArch(major * 10 + minor), nvrtc.version());
    }

    /** The exception a later {@link #primary()} throws for the setup's first failure {@code first}. */
    static RuntimeException again(RuntimeException first) {
        return switch (first) {
            case CudaUnavailableException e -> new CudaUnavailableException(e.getMessage(), e);
            case CudaException e -> new CudaException(e);
            default -> new IllegalStateException("CUDA: setting up device 0 failed earlier: " + first, first);
        };
    }

    /** Why {@link #primary()} cannot give a device, or empty when it can. */
    public static Optional<String> unavailableReason() {
        try {
            primary();
            return Optional.empty();
        } catch (CudaUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The device this context runs on. */
    public CuDevice device() {
        return info;
    }

    /** Opens a session for one op (takes the context's lock until the session closes). */
    @Override
    public CuSession session(String op) {
        return new CuSession(this, op);
    }

    @Override
    public String describe() {
        return info.describe();
    }

    /**
     * The fp32 math mode a new context starts in: {@link Cublas.MathMode#FP32}, or
     * {@link Cublas.MathMode#FP32_PEDANTIC} with {@code -Dssam.gpu.pedanticGemm=true}.
     */
    public static Cublas.MathMode fp32Mode() {
        return RuntimeFlags.CURRENT.gpuPedanticGemm() ? Cublas.MathMode.FP32_PEDANTIC : Cublas.MathMode.FP32;
    }

    /** The math mode of the cuBLAS GEMMs ({@link #fp32Mode()} unless set). */
    public Cublas.MathMode mathMode() {
        lock.lock();
        try {
            return mathMode;
        } finally {
            lock.unlock();
        }
    }

    /** Sets the math mode of later cuBLAS GEMMs ({@link Cublas.MathMode#TF32} is the explicit opt-in). */
    public void mathMode(Cublas.MathMode mode) {
        lock.lock();
        try {
            bind();
            cublas.mathMode(blas, mode, OP);
            mathMode = mode;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void trimPool() {
        bind();
        pool.trim();   // each free waits for the stream first (CuBufferPool)
        downloads.trim();
        staging.clear();
        events.clear(OP);
    }

    /** Makes this context current on the calling thread. Caller holds the lock. */
    void bind() {
        driver.setCurrent(context, OP);
    }

    /**
     * The module for {@code source} compiled with {@code defines} (e.g. {@code -DSSAM_NSTATE=24}),
     * compiled by NVRTC and loaded on first request, then cached by source and the full option
     * list (which names the architecture). Caller holds the lock.
     */
    CuProgram program(KernelSource source, String defines, String op) {
        List<String> options = Nvrtc.options(info.arch(), defines);
        String joined = String.join(" ", options);
        return cached(source, joined, () -> new CuProgram(module(kernelCache, source, options, op), source,
                source + " " + joined));
    }

    /**
     * The loaded module of {@code source} compiled with {@code options}: the PTX kept in
     * {@code cache} for this source, these options and this NVRTC version when there is one that
     * loads, else NVRTC's, then kept there (replacing an entry that did not load, e.g. one a newer
     * toolkit wrote; an entry is replaced only by PTX that loaded). Caller holds the lock.
     */
    MemorySegment module(KernelCache cache, KernelSource source, List<String> options, String op) {
        String key = KernelCache.key(source.text(), String.join(" ", options), "nvrtc " + info.nvrtcVersion());
        Optional<String> kept = cache.load(key);
        if (kept.isPresent()) {
            try {
                return driver.loadModule(kept.get(), source.name(), op);
            } catch (CudaException e) {
                // compiled again below; if that loads, it replaces the entry
            }
        }
        String ptx = nvrtc.compile(source.text(), source.name(), options, op);
        nvrtcCompiles++;
        MemorySegment module = driver.loadModule(ptx, source.name(), op);
        cache.store(key, ptx);
        return module;
    }

    /** Sources NVRTC compiled so far (the others came from the in-memory or the disk cache). */
    public long nvrtcCompiles() {
        lock.lock();
        try {
            return nvrtcCompiles;
        } finally {
            lock.unlock();
        }
    }

    /** The disk cache of compiled kernels ({@code -Dssam.gpu.kernelCache}). */
    public KernelCache kernelCache() {
        return kernelCache;
    }

    /** Queues the copy through the staging memory (see the class comment). */
    @Override
    protected void write(float[] src, int srcOff, CuBuffer dst, long dstOff, int len, String op) {
        if (len == 0) {
            return;
        }
        long bytes = (long) len * Float.BYTES;
        MemorySegment stage = staging.take(bytes);
        HostCopy.toNative(src, srcOff, stage, len);
        // a failure before inFlight leaves the region without a fence: the ring then waits for the stream
        driver.copyHtoD(dst.ptr + dstOff * Float.BYTES, stage, bytes, stream, op);
        staging.inFlight(fence(op));
        countUpload(bytes);
    }

    /** Queues the copy into a page-locked block, waits for the stream, then copies the floats to {@code dst}. */
    @Override
    protected void read(CuBuffer src, long srcOff, float[] dst, int dstOff, int len, String op) {
        if (len == 0) {
            return;
        }
        long bytes = (long) len * Float.BYTES;
        MemorySegment block = downloads.block(bytes);
        // a failure below leaves the block unreleased: a queued copy may still write it
        driver.copyDtoH(block, src.ptr + srcOff * Float.BYTES, bytes, stream, op);
        drain(op);
        try {
            HostCopy.toHeap(block, dst, dstOff, len);
        } finally {
            downloads.give(block);
        }
        countDownload(bytes);
    }

    /**
     * Queues the copy on a second stream, after the work queued so far, into page-locked memory of
     * its own ({@link CuDownloads}); returns without waiting.
     */
    @Override
    protected PendingRead startRead(CuBuffer src, long srcOff, int len, String op) {
        PendingRead r = downloads.start(src, srcOff, len, op);
        countDownload((long) len * Float.BYTES);
        return r;
    }

    /** Queues a device copy of {@code len} floats. Caller holds the lock. */
    void copy(CuBuffer src, long srcOff, CuBuffer dst, long dstOff, long len, String op) {
        if (len > 0) {
            driver.copyDtoD(dst.ptr + dstOff * Float.BYTES, src.ptr + srcOff * Float.BYTES, len * Float.BYTES, stream,
                    op);
        }
    }

    /** Waits for the stream; the staging memory is free again. Caller holds the lock. */
    @Override
    protected void drain(String op) {
        bind();
        driver.synchronize(stream, op);
        staging.drained();
    }

    /** Staging regions an upload waited for so far ({@link StagingRing#waits}; for tests). */
    long stagingWaits() {
        lock.lock();
        try {
            return staging.waits();
        } finally {
            lock.unlock();
        }
    }

    /** An event recorded on the stream now: the end of the copies queued so far, as a staging fence. */
    private StagingRing.Fence fence(String op) {
        MemorySegment e = events.take(op);
        try {
            driver.recordEvent(e, stream, op);
        } catch (RuntimeException failed) {
            events.give(e);
            throw failed;
        }
        return new EventFence(e, op);
    }

    /** A staging fence: an event recorded behind an upload, back to the pool once reached or given up. */
    private final class EventFence implements StagingRing.Fence {
        private final MemorySegment event;
        private final String op;

        EventFence(MemorySegment event, String op) {
            this.event = event;
            this.op = op;
        }

        @Override
        public void await() {
            driver.synchronizeEvent(event, op);
            events.give(event);
        }

        @Override
        public void release() {
            events.give(event);
        }
    }

    @Override
    public String toString() {
        return "cuda(" + info.describe() + ")";
    }
}
