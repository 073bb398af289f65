package dev.ssam.runtime.opencl;

import dev.ssam.runtime.RuntimeFlags;
import dev.ssam.runtime.gpu.AbstractGpuContext;
import dev.ssam.runtime.gpu.DeviceSetup;
import dev.ssam.runtime.gpu.GpuMemory;
import dev.ssam.runtime.gpu.HostCopy;
import dev.ssam.runtime.gpu.KernelSource;
import dev.ssam.runtime.gpu.PendingRead;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * One OpenCL device with its context, in-order command queue, compiled-program cache (keyed by
 * source hash and build options), buffer pool, host staging memory, the device copies of host
 * tensors ({@link GpuMemory} for {@link dev.ssam.runtime.gpu.DeviceMirrors}) and transfer
 * statistics. Ops use it through a
 * {@link ClSession}, which holds the context's lock for the op's duration: one op at a time per
 * device, from any thread.
 *
 * <p>{@link #primary()} is the process-wide context of the preferred device (the first GPU of
 * any platform, else the first accelerator, else the first device of any type), created on
 * first use and kept until the JVM exits, like a CUDA primary context: compiled programs are
 * expensive (PoCL compiles with LLVM) and are shared by every {@code Backend.OpenCl} of the
 * process; a failed setup is kept as well and reported again, without a retry
 * ({@link DeviceSetup}). The loader library comes from {@link RuntimeFlags#openclLibrary()}
 * ({@code -Dssam.openclLibrary}), else {@code libOpenCL.so.1}, else {@code libOpenCL.so}.
 *
 * <pre>{@code
 * ClContext cl = ClContext.primary();          // throws OpenClUnavailableException without a device
 * try (ClSession s = cl.session("myOp")) { ... }
 * }</pre>
 */
public final class ClContext extends AbstractGpuContext<ClProgram, ClBuffer> {
    private static final String OP = "opencl";
    /** Free buffers kept by the pool: at most a quarter of device memory, and at most 2 GiB. */
    private static final long POOL_CAP = 2L << 30;
    private static final DeviceSetup<ClContext> PRIMARY = new DeviceSetup<>(
            () -> open(RuntimeFlags.CURRENT.openclLibrary()), ClContext::again);

    final ClApi api;
    final MemorySegment device;
    final MemorySegment context;
    final MemorySegment queue;
    final ClBufferPool pool;
    final ClMemory memory;
    private final ClDownloads downloads;
    private final ClDevice info;
    private final String baseOptions;
    private Arena stagingArena;
    private MemorySegment staging = MemorySegment.NULL;

    private ClContext(ClApi api, ClDevice info, MemorySegment device, MemorySegment context, MemorySegment queue) {
        super("OpenCL", ClBuffer.class);
        this.api = api;
        this.info = info;
        this.device = device;
        this.context = context;
        this.queue = queue;
        this.pool = new ClBufferPool(api, context, Math.min(POOL_CAP, info.globalMemBytes() / 4));
        this.memory = new ClMemory(this);
        this.downloads = new ClDownloads(this);
        this.baseOptions = "-cl-std=CL1.2" + (info.correctlyRoundedDivideSqrt()
                ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
    }

    /**
     * The process-wide context of the preferred device. A failed setup is not retried: later
     * calls throw the first failure again (same type and message, the first exception as cause).
     *
     * @throws OpenClUnavailableException when no loader library, platform or device exists
     * @throws ClException                when an OpenCL call of the setup fails
     */
    public static ClContext primary() {
        return PRIMARY.get();
    }

    /** Why {@link #primary()} cannot give a device, or empty when it can. */
    public static Optional<String> unavailableReason() {
        try {
            primary();
            return Optional.empty();
        } catch (OpenClUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The context of the preferred device of the loader {@code library} (a setting: blank for the default names). */
    static ClContext open(String library) {
        ClApi api = ClApi.load(library);
        List<MemorySegment> platforms = api.platforms(OP);
        if (platforms.isEmpty()) {
            throw new OpenClUnavailableException("OpenCL: " + api.library + " found no platform (no driver is "
                    + "registered under /etc/OpenCL/vendors or OCL_ICD_VENDORS; Debian: apt-get install "
                    + "pocl-opencl-icd)", null);
        }
        for (long type : new long[] {ClApi.CL_DEVICE_TYPE_GPU, ClApi.CL_DEVICE_TYPE_ACCELERATOR,
                ClApi.CL_DEVICE_TYPE_ALL}) {
            for (MemorySegment p : platforms) {
                List<MemorySegment> devices = api.devices(p, type, OP);
                if (!devices.isEmpty()) {
                    return create(api, p, devices.getFirst());
                }
            }
        }
        throw new OpenClUnavailableException("OpenCL: " + platforms.size() + " platform(s) but no device", null);
    }

    /** A context and queue on {@code device}; when the queue cannot be made the context is released again. */
    private static ClContext create(ClApi api, MemorySegment platform, MemorySegment device) {
        ClDevice info = describe(api, platform, device);
        MemorySegment context = api.createContext(device, OP);
        try {
            MemorySegment queue = api.createQueue(context, device, ClApi.atLeast20(info.platformVersion()), OP);
            return new ClContext(api, info, device, context, queue);
        } catch (RuntimeException e) {
            DeviceSetup.undo(e, () -> api.releaseContext(context));
            throw e;
        }
    }

    /** The exception a later {@link #primary()} throws for the setup's first failure {@code first}. */
    static RuntimeException again(RuntimeException first) {
        return switch (first) {
            case OpenClUnavailableException e -> new OpenClUnavailableException(e.getMessage(), e);
            case ClException e -> new ClException(e);
            default -> new IllegalStateException("OpenCL: setting up the device failed earlier: " + first, first);
        };
    }

    private static ClDevice describe(ClApi api, MemorySegment platform, MemorySegment device) {
        long fp = api.deviceLong(device, ClApi.CL_DEVICE_SINGLE_FP_CONFIG, OP);
        return new ClDevice(api.deviceString(device, ClApi.CL_DEVICE_NAME, OP),
                api.deviceString(device, ClApi.CL_DEVICE_VENDOR, OP),
                api.deviceString(device, ClApi.CL_DEVICE_VERSION, OP),
                api.platformString(platform, ClApi.CL_PLATFORM_NAME, OP),
                api.platformString(platform, ClApi.CL_PLATFORM_VERSION, OP),
                (api.deviceLong(device, ClApi.CL_DEVICE_TYPE, OP) & ClApi.CL_DEVICE_TYPE_GPU) != 0,
                api.deviceInt(device, ClApi.CL_DEVICE_MAX_COMPUTE_UNITS, OP),
                api.deviceLong(device, ClApi.CL_DEVICE_MAX_WORK_GROUP_SIZE, OP),
                api.deviceLong(device, ClApi.CL_DEVICE_LOCAL_MEM_SIZE, OP),
                api.deviceLong(device, ClApi.CL_DEVICE_GLOBAL_MEM_SIZE, OP),
                api.deviceLong(device, ClApi.CL_DEVICE_MAX_MEM_ALLOC_SIZE, OP),
                (fp & ClApi.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0);
    }

    /** The device this context runs on. */
    public ClDevice device() {
        return info;
    }

    /** Opens a session for one op (takes the context's lock until the session closes). */
    @Override
    public ClSession session(String op) {
        return new ClSession(this, op);
    }

    @Override
    public String describe() {
        return info.describe();
    }

    @Override
    protected void trimPool() {
        pool.trim();
        downloads.trim();
    }

    /**
     * The program for {@code source} built with {@code defines} (extra options such as
     * {@code -DSSAM_NSTATE=24}), compiled on first request and cached by source and the full
     * option string. Caller holds the lock.
     */
    ClProgram program(KernelSource source, String defines, String op) {
        String options = defines == null || defines.isBlank() ? baseOptions : baseOptions + " " + defines.trim();
        return cached(source, options, () -> new ClProgram(
                api.buildProgram(context, device, source.text(), options, source.name(), op), source,
                source + " " + options));
    }

    /** A blocking copy through the staging memory. */
    @Override
    protected void write(float[] src, int srcOff, ClBuffer dst, long dstOff, int len, String op) {
        if (len == 0) {
            return;
        }
        long bytes = (long) len * Float.BYTES;
        MemorySegment stage = staging(bytes);
        HostCopy.toNative(src, srcOff, stage, len);
        api.write(queue, dst.mem, dstOff * Float.BYTES, bytes, stage, op);
        countUpload(bytes);
    }

    /** A blocking copy through the staging memory. */
    @Override
    protected void read(ClBuffer src, long srcOff, float[] dst, int dstOff, int len, String op) {
        if (len == 0) {
            return;
        }
        long bytes = (long) len * Float.BYTES;
        MemorySegment stage = staging(bytes);
        api.read(queue, src.mem, srcOff * Float.BYTES, bytes, stage, op);
        HostCopy.toHeap(stage, dst, dstOff, len);
        countDownload(bytes);
    }

    /**
     * A non-blocking copy on a second queue, after a marker of the work queued so far, into native
     * memory of its own ({@link ClDownloads}).
     */
    @Override
    protected PendingRead startRead(ClBuffer src, long srcOff, int len, String op) {
        PendingRead r = downloads.start(src, srcOff, len, op);
        countDownload((long) len * Float.BYTES);
        return r;
    }

    /** Waits for the queue. */
    @Override
    protected void drain(String op) {
        api.finish(queue, op);
    }

    /** Host staging memory of at least {@code bytes}, reused between transfers. Caller holds the lock. */
    MemorySegment staging(long bytes) {
        if (staging.byteSize() < bytes) {
            if (stagingArena != null) {
                stagingArena.close();
            }
            stagingArena = Arena.ofShared();
            staging = stagingArena.allocate(Math.max(bytes, staging.byteSize() * 2), 64);
        }
        return staging;
    }

    @Override
    public String toString() {
        return "opencl(" + info.describe() + ")";
    }
}
