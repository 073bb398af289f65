package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuStats;
import dev.ssam.runtime.gpu.KernelSource;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * CUDA device 0 as a {@link GpuContext}: its primary context (the one the CUDA runtime and cuBLAS
 * share), one stream all work is queued on, a compiled-module cache keyed by source hash and
 * compile options (which name the architecture), a caching allocator ({@link CuBufferPool}),
 * page-locked staging memory for asynchronous host-device copies, a cuBLAS handle on the stream,
 * the device copies of host tensors ({@link CuMemory} for {@code DeviceMirrors}) and transfer
 * statistics. Ops use it through a {@link CuSession}, which holds the context's lock for the op's
 * duration: one op at a time per device, from any thread (each session makes the context current
 * on its thread).
 *
 * <p>Uploads are asynchronous: a host array is copied into the staging memory and
 * {@code cuMemcpyHtoDAsync} queued, so the op's kernels queue behind it without a wait; the
 * staging memory is reused once the stream has passed it (a download, the end of a session, or a
 * full staging area waits for the stream). Downloads wait for the stream.
 *
 * <p>{@link #primary()} is created on first use and kept until the JVM exits. The libraries come
 * from {@link CudaLibraries} ({@code -Dssam.cudaDriver}, {@code -Dssam.cudaLibraryPath}).
 *
 * <pre>{@code
 * CuContext cuda = CuContext.primary();     // throws CudaUnavailableException without a device
 * try (CuSession s = cuda.session("myOp")) { ... }
 * }</pre>
 */
public final class CuContext implements GpuContext {
    private static final String OP = "cuda";
    /** Free buffers kept by the pool: at most a quarter of device memory, and at most 2 GiB. */
    private static final long POOL_CAP = 2L << 30;
    private static final long STAGING_MIN = 1L << 20;
    private static final long STAGING_ALIGN = 256;
    private static final Object PRIMARY_LOCK = new Object();
    private static CuContext primary;
    private static CudaUnavailableException primaryFailure;

    final CuDriver driver;
    final Nvrtc nvrtc;
    final Cublas cublas;
    final MemorySegment context;
    final MemorySegment stream;
    final MemorySegment blas;
    final CuBufferPool pool;
    final ReentrantLock lock = new ReentrantLock();
    final CuMemory memory = new CuMemory(this);
    private final CuDevice info;
    private final Map<String, CuProgram> programs = new HashMap<>();
    private Cublas.MathMode mathMode = Cublas.MathMode.FP32_PEDANTIC;
    private MemorySegment staging = MemorySegment.NULL;
    private long stagingUsed;
    private long uploads;
    private long uploadBytes;
    private long downloads;
    private long downloadBytes;
    private long launches;

    private CuContext(CuDriver driver, int ordinal) {
        this.driver = driver;
        int device = driver.device(ordinal, OP);
        this.context = driver.primaryContext(device, OP);
        driver.setCurrent(context, OP);
        this.nvrtc = Nvrtc.load();
        int major = driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, OP);
        int minor = driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, OP);
        this.info = new CuDevice(ordinal, driver.deviceName(device, OP), major, minor,
                driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, OP),
                driver.totalMem(device, OP),
                driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, OP),
                driver.attribute(device, CuDriver.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, OP),
                driver.driverVersion(OP), nvrtc.chooseArch(major * 10 + minor), nvrtc.version());
        this.cublas = Cublas.load();
        this.stream = driver.createStream(0, OP);
        this.blas = cublas.create(stream, mathMode, OP);
        this.pool = new CuBufferPool(driver, Math.min(POOL_CAP, info.memBytes() / 4));
    }

    /**
     * The process-wide context of CUDA device 0.
     *
     * @throws CudaUnavailableException when a library is missing or no device exists (the same
     *                                  failure is reported again on later calls)
     */
    public static CuContext primary() {
        synchronized (PRIMARY_LOCK) {
            if (primary != null) {
                return primary;
            }
            if (primaryFailure != null) {
                throw new CudaUnavailableException(primaryFailure.getMessage(), primaryFailure);
            }
            try {
                CuDriver driver = CuDriver.load();
                if (driver.deviceCount(OP) == 0) {
                    throw new CudaUnavailableException("CUDA: " + driver.library + " reports no device", null);
                }
                primary = new CuContext(driver, 0);
                return primary;
            } catch (CudaUnavailableException e) {
                primaryFailure = e;
                throw e;
            }
        }
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

    /** The math mode of the cuBLAS GEMMs ({@link Cublas.MathMode#FP32_PEDANTIC} unless set). */
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
    public GpuStats stats() {
        lock.lock();
        try {
            return new GpuStats(uploads, uploadBytes, downloads, downloadBytes, launches);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resetStats() {
        lock.lock();
        try {
            uploads = 0;
            uploadBytes = 0;
            downloads = 0;
            downloadBytes = 0;
            launches = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Frees the buffers waiting in the pool (compiled modules and resident tensor copies stay). */
    @Override
    public void trim() {
        lock.lock();
        try {
            bind();
            pool.trim();
        } finally {
            lock.unlock();
        }
    }

    /** Number of modules compiled so far (for tests of the cache). */
    public int compiledPrograms() {
        lock.lock();
        try {
            return programs.size();
        } finally {
            lock.unlock();
        }
    }

    /** Makes this context current on the calling thread. Caller holds the lock. */
    void bind() {
        driver.setCurrent(context, OP);
    }

    /**
     * The module for {@code source} compiled with {@code defines} (e.g. {@code -DSSAM_NSTATE=24}),
     * compiled by NVRTC and loaded on first request, then cached. Caller holds the lock.
     */
    CuProgram program(KernelSource source, String defines, String op) {
        List<String> options = Nvrtc.options(info.arch(), defines);
        String key = source.sha256() + "|" + String.join(" ", options);
        CuProgram p = programs.get(key);
        if (p == null) {
            String ptx = nvrtc.compile(source.text(), source.name(), options, op);
            p = new CuProgram(driver.loadModule(ptx, source.name(), op), source,
                    source + " " + String.join(" ", options));
            programs.put(key, p);
        }
        return p;
    }

    /** Queues a copy of {@code src[srcOff, srcOff + len)} to {@code dst} from float {@code dstOff}. Caller holds the lock. */
    void write(float[] src, int srcOff, CuBuffer dst, long dstOff, int len, String op) {
        if (len == 0) {
            return;
        }
        long bytes = (long) len * Float.BYTES;
        MemorySegment stage = stage(bytes, op);
        MemorySegment.copy(src, srcOff, stage, JAVA_FLOAT, 0, len);
        driver.copyHtoD(dst.ptr + dstOff * Float.BYTES, stage, bytes, stream, op);
        uploads++;
        uploadBytes += bytes;
    }

    /** Copies {@code len} floats of {@code src} from {@code srcOff} to {@code dst[dstOff, ...)} after earlier work. Caller holds the lock. */
    void read(CuBuffer src, long srcOff, float[] dst, int dstOff, int len, String op) {
        if (len == 0) {
            return;
        }
        long bytes = (long) len * Float.BYTES;
        MemorySegment stage = stage(bytes, op);
        driver.copyDtoH(stage, src.ptr + srcOff * Float.BYTES, bytes, stream, op);
        synchronize(op);
        MemorySegment.copy(stage, JAVA_FLOAT, 0, dst, dstOff, len);
        downloads++;
        downloadBytes += bytes;
    }

    /** Queues a device copy of {@code len} floats. Caller holds the lock. */
    void copy(CuBuffer src, long srcOff, CuBuffer dst, long dstOff, long len, String op) {
        if (len > 0) {
            driver.copyDtoD(dst.ptr + dstOff * Float.BYTES, src.ptr + srcOff * Float.BYTES, len * Float.BYTES, stream,
                    op);
        }
    }

    /** Waits for the stream; the staging memory is free again. Caller holds the lock. */
    void synchronize(String op) {
        driver.synchronize(stream, op);
        stagingUsed = 0;
    }

    /** Counts one kernel launch or library call. Caller holds the lock. */
    void countLaunch() {
        launches++;
    }

    /**
     * {@code bytes} of page-locked staging memory no queued copy still reads or writes: the next
     * free part of the staging area, or, when it is full, the whole area after the stream has
     * drained (grown first when too small). Caller holds the lock.
     */
    private MemorySegment stage(long bytes, String op) {
        long need = (bytes + STAGING_ALIGN - 1) / STAGING_ALIGN * STAGING_ALIGN;
        if (stagingUsed + need > staging.byteSize()) {
            synchronize(op);
            if (need > staging.byteSize()) {
                long size = Math.max(need, Math.max(STAGING_MIN, staging.byteSize() * 2));
                if (staging.byteSize() > 0) {
                    driver.freeHost(staging, op);
                }
                staging = MemorySegment.NULL;
                staging = driver.allocHost(size, op);
            }
        }
        MemorySegment s = staging.asSlice(stagingUsed, bytes);
        stagingUsed += need;
        return s;
    }

    @Override
    public String toString() {
        return "cuda(" + info.describe() + ")";
    }
}
