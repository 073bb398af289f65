package dev.ssam.runtime.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Hand-written Panama FFM downcalls into the CUDA driver API ({@code libcuda.so.1}), one method
 * per C function used. Every method checks the returned {@code CUresult} and throws
 * {@link CudaException} naming the op, the call and the error ({@code cuGetErrorName}).
 *
 * <p>Symbols are bound by the names {@code cuda.h} maps the API to (its {@code #define}s select
 * the 64-bit {@code _v2} entry points: {@code cuMemAlloc_v2}, {@code cuMemcpyHtoDAsync_v2},
 * ...; the unsuffixed symbols are the old 32-bit ABI). C types map as on LP64: {@code CUresult,
 * CUdevice, int, unsigned int} to int; {@code size_t} and {@code CUdeviceptr} (unsigned long long)
 * to long; handles ({@code CUcontext, CUstream, CUmodule, CUfunction}) and host pointers to
 * addresses.
 */
final class CuDriver {
    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_STUB_LIBRARY = 34;
    static final int CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER = 36;
    static final int CUDA_ERROR_DEVICE_UNAVAILABLE = 46;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803;
    static final int CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE = 804;
    static final int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
    static final int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8;
    static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0;
    /** {@code CU_EVENT_DISABLE_TIMING}: an event for ordering and waiting only (cheaper to record). */
    static final int CU_EVENT_DISABLE_TIMING = 2;

    private static final Linker LINKER = Linker.nativeLinker();

    /** The library actually opened (for messages). */
    final String library;
    private final MethodHandle getErrorName;
    private final MethodHandle init;
    private final MethodHandle driverGetVersion;
    private final MethodHandle deviceGetCount;
    private final MethodHandle deviceGet;
    private final MethodHandle deviceGetName;
    private final MethodHandle deviceGetAttribute;
    private final MethodHandle deviceTotalMem;
    private final MethodHandle primaryCtxRetain;
    private final MethodHandle primaryCtxRelease;
    private final MethodHandle ctxSetCurrent;
    private final MethodHandle streamCreate;
    private final MethodHandle streamDestroy;
    private final MethodHandle streamSynchronize;
    private final MethodHandle streamWaitEvent;
    private final MethodHandle eventCreate;
    private final MethodHandle eventRecord;
    private final MethodHandle eventSynchronize;
    private final MethodHandle eventDestroy;
    private final MethodHandle memAlloc;
    private final MethodHandle memFree;
    private final MethodHandle memAllocHost;
    private final MethodHandle memFreeHost;
    private final MethodHandle memcpyHtoDAsync;
    private final MethodHandle memcpyDtoHAsync;
    private final MethodHandle memcpyDtoDAsync;
    private final MethodHandle memsetD32Async;
    private final MethodHandle moduleLoadData;
    private final MethodHandle moduleUnload;
    private final MethodHandle moduleGetFunction;
    private final MethodHandle funcGetAttribute;
    private final MethodHandle launchKernel;

    private CuDriver(String library, SymbolLookup lib) {
        this.library = library;
        FunctionDescriptor outPtr = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        getErrorName = bind(lib, "cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        init = bind(lib, "cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        driverGetVersion = bind(lib, "cuDriverGetVersion", outPtr);
        deviceGetCount = bind(lib, "cuDeviceGetCount", outPtr);
        deviceGet = bind(lib, "cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        deviceGetName = bind(lib, "cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        deviceGetAttribute = bind(lib, "cuDeviceGetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        deviceTotalMem = bind(lib, "cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        primaryCtxRetain = bind(lib, "cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        primaryCtxRelease = bind(lib, "cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        ctxSetCurrent = bind(lib, "cuCtxSetCurrent", outPtr);
        streamCreate = bind(lib, "cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        streamDestroy = bind(lib, "cuStreamDestroy_v2", outPtr);
        streamSynchronize = bind(lib, "cuStreamSynchronize", outPtr);
        streamWaitEvent = bind(lib, "cuStreamWaitEvent", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        eventCreate = bind(lib, "cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        eventRecord = bind(lib, "cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        eventSynchronize = bind(lib, "cuEventSynchronize", outPtr);
        eventDestroy = bind(lib, "cuEventDestroy_v2", outPtr);
        memAlloc = bind(lib, "cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        memFree = bind(lib, "cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        memAllocHost = bind(lib, "cuMemAllocHost_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        memFreeHost = bind(lib, "cuMemFreeHost", outPtr);
        memcpyHtoDAsync = bind(lib, "cuMemcpyHtoDAsync_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        memcpyDtoHAsync = bind(lib, "cuMemcpyDtoHAsync_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        memcpyDtoDAsync = bind(lib, "cuMemcpyDtoDAsync_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        memsetD32Async = bind(lib, "cuMemsetD32Async",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
        moduleLoadData = bind(lib, "cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        moduleUnload = bind(lib, "cuModuleUnload", outPtr);
        moduleGetFunction = bind(lib, "cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        funcGetAttribute = bind(lib, "cuFuncGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        launchKernel = bind(lib, "cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new CudaUnavailableException(
                "CUDA: the driver library lacks " + name + " (a driver for CUDA 12 or later is required)", null));
        return LINKER.downcallHandle(symbol, fd);
    }

    /**
     * Opens the driver library ({@link CudaLibraries}) and calls {@code cuInit(0)}.
     *
     * @throws CudaUnavailableException when the library is missing, is the toolkit's stub, is
     *                                  older than the toolkit or finds no device
     */
    static CuDriver load() {
        CudaLibraries.Opened lib = CudaLibraries.open(CudaLibraries.Library.DRIVER);
        CuDriver d = new CuDriver(lib.name(), lib.lookup());
        int code;
        try {
            code = (int) d.init.invokeExact(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (code == CUDA_ERROR_NO_DEVICE || code == CUDA_ERROR_STUB_LIBRARY || code == CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER
                || code == CUDA_ERROR_DEVICE_UNAVAILABLE || code == CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE
                || code == CUDA_ERROR_SYSTEM_DRIVER_MISMATCH) {
            throw new CudaUnavailableException("CUDA: cuInit in " + lib.name() + " failed with " + d.errorName(code)
                    + " (" + code + ")" + (code == CUDA_ERROR_STUB_LIBRARY
                    ? ": that is the toolkit's stub library, not the driver's libcuda.so.1" : ""), null);
        }
        d.check(code, "cuda", "cuInit");
        return d;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** {@code cuGetErrorName}, or {@code CUDA_ERROR_<n>} for a code the driver does not know. */
    String errorName(int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int r = (int) getErrorName.invokeExact(code, out);
            MemorySegment s = out.get(ADDRESS, 0);
            if (r != CUDA_SUCCESS || s.equals(MemorySegment.NULL)) {
                return "CUDA_ERROR_" + code;
            }
            return s.reinterpret(256).getString(0, StandardCharsets.US_ASCII);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void check(int code, String op, String call) {
        if (code != CUDA_SUCCESS) {
            throw new CudaException(op, call, code, errorName(code), null);
        }
    }

    // ---- driver and devices ----

    /** The driver's CUDA version as 1000 * major + 10 * minor (12080 for 12.8). */
    int driverVersion(String op) {
        return outInt(driverGetVersion, op, "cuDriverGetVersion");
    }

    int deviceCount(String op) {
        return outInt(deviceGetCount, op, "cuDeviceGetCount");
    }

    private int outInt(MethodHandle h, String op, String call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) h.invokeExact(v), op, call);
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The {@code CUdevice} of ordinal {@code ordinal}. */
    int device(int ordinal, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) deviceGet.invokeExact(v, ordinal), op, "cuDeviceGet(" + ordinal + ")");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String deviceName(int device, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(256);
            check((int) deviceGetName.invokeExact(v, 256, device), op, "cuDeviceGetName");
            return v.getString(0, StandardCharsets.UTF_8).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A {@code CU_DEVICE_ATTRIBUTE_*} value. */
    int attribute(int device, int attribute, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) deviceGetAttribute.invokeExact(v, attribute, device), op,
                    "cuDeviceGetAttribute(" + attribute + ")");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Device memory in bytes. */
    long totalMem(int device, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check((int) deviceTotalMem.invokeExact(v, device), op, "cuDeviceTotalMem_v2");
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- context and stream ----

    /** Retains the device's primary context (the one the CUDA runtime and cuBLAS use too). */
    MemorySegment primaryContext(int device, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) primaryCtxRetain.invokeExact(v, device), op, "cuDevicePrimaryCtxRetain");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Releases what {@link #primaryContext} retained (the context goes when no user is left). */
    void releasePrimaryContext(int device, String op) {
        try {
            check((int) primaryCtxRelease.invokeExact(device), op, "cuDevicePrimaryCtxRelease_v2");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Binds {@code context} to the calling thread (each thread that issues work must do so once); NULL unbinds. */
    void setCurrent(MemorySegment context, String op) {
        try {
            check((int) ctxSetCurrent.invokeExact(context), op, "cuCtxSetCurrent");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A stream with {@code flags} ({@code 0}: ordered with the legacy default stream). */
    MemorySegment createStream(int flags, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) streamCreate.invokeExact(v, flags), op, "cuStreamCreate");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Destroys a stream from {@link #createStream} (queued work still completes). */
    void destroyStream(MemorySegment stream, String op) {
        try {
            check((int) streamDestroy.invokeExact(stream), op, "cuStreamDestroy_v2");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Waits for all work queued on {@code stream}; an asynchronous kernel error surfaces here. */
    void synchronize(MemorySegment stream, String op) {
        try {
            check((int) streamSynchronize.invokeExact(stream), op, "cuStreamSynchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- events ----

    /** An event without timing data ({@code CU_EVENT_DISABLE_TIMING}): only for ordering and waiting. */
    MemorySegment createEvent(String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) eventCreate.invokeExact(v, CU_EVENT_DISABLE_TIMING), op, "cuEventCreate");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Marks the point of {@code stream} reached once all work queued on it so far has run. */
    void recordEvent(MemorySegment event, MemorySegment stream, String op) {
        try {
            check((int) eventRecord.invokeExact(event, stream), op, "cuEventRecord");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Makes work queued on {@code stream} after this call wait until {@code event} has been reached. */
    void waitEvent(MemorySegment stream, MemorySegment event, String op) {
        try {
            check((int) streamWaitEvent.invokeExact(stream, event, 0), op, "cuStreamWaitEvent");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Waits on the host until {@code event} has been reached; an asynchronous error surfaces here. */
    void synchronizeEvent(MemorySegment event, String op) {
        try {
            check((int) eventSynchronize.invokeExact(event), op, "cuEventSynchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void destroyEvent(MemorySegment event, String op) {
        try {
            check((int) eventDestroy.invokeExact(event), op, "cuEventDestroy_v2");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- memory ----

    /** {@code bytes} of device memory; returns the {@code CUdeviceptr}. */
    long alloc(long bytes, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check((int) memAlloc.invokeExact(v, bytes), op, "cuMemAlloc_v2(" + bytes + " bytes)");
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void free(long ptr, String op) {
        try {
            check((int) memFree.invokeExact(ptr), op, "cuMemFree_v2");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code bytes} of page-locked host memory (asynchronous copies need it), as a segment of that size. */
    MemorySegment allocHost(long bytes, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) memAllocHost.invokeExact(v, bytes), op, "cuMemAllocHost_v2(" + bytes + " bytes)");
            return v.get(ADDRESS, 0).reinterpret(bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void freeHost(MemorySegment host, String op) {
        try {
            check((int) memFreeHost.invokeExact(host), op, "cuMemFreeHost");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Queues a copy of {@code bytes} from host {@code src} to device {@code dst} on {@code stream}. */
    void copyHtoD(long dst, MemorySegment src, long bytes, MemorySegment stream, String op) {
        try {
            check((int) memcpyHtoDAsync.invokeExact(dst, src, bytes, stream), op, "cuMemcpyHtoDAsync_v2");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Queues a copy of {@code bytes} from device {@code src} to host {@code dst} on {@code stream}. */
    void copyDtoH(MemorySegment dst, long src, long bytes, MemorySegment stream, String op) {
        try {
            check((int) memcpyDtoHAsync.invokeExact(dst, src, bytes, stream), op, "cuMemcpyDtoHAsync_v2");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Queues a device-to-device copy of {@code bytes} on {@code stream}. */
    void copyDtoD(long dst, long src, long bytes, MemorySegment stream, String op) {
        try {
            check((int) memcpyDtoDAsync.invokeExact(dst, src, bytes, stream), op, "cuMemcpyDtoDAsync_v2");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Queues setting {@code count} 32-bit words at {@code dst} to {@code bits} on {@code stream}. */
    void memset32(long dst, int bits, long count, MemorySegment stream, String op) {
        try {
            check((int) memsetD32Async.invokeExact(dst, bits, count, stream), op, "cuMemsetD32Async");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- modules and launches ----

    /** Loads a module from NUL-terminated PTX text (the driver JIT-compiles it for the device). */
    MemorySegment loadModule(String ptx, String name, String op) {
        try (Arena a = Arena.ofConfined()) {
            byte[] text = ptx.getBytes(StandardCharsets.US_ASCII);
            MemorySegment image = a.allocate(text.length + 1L);
            MemorySegment.copy(text, 0, image, JAVA_BYTE, 0, text.length);
            MemorySegment v = a.allocate(ADDRESS);
            check((int) moduleLoadData.invokeExact(v, image), op, "cuModuleLoadData(" + name + ")");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void unloadModule(MemorySegment module, String op) {
        try {
            check((int) moduleUnload.invokeExact(module), op, "cuModuleUnload");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The kernel {@code name} (an extern "C" name) of a module. */
    MemorySegment function(MemorySegment module, String name, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) moduleGetFunction.invokeExact(v, module, a.allocateFrom(name)), op,
                    "cuModuleGetFunction(" + name + ")");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The largest block this function can be launched with. */
    int maxThreadsPerBlock(MemorySegment function, String name, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) funcGetAttribute.invokeExact(v, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, function), op,
                    "cuFuncGetAttribute(" + name + ")");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Queues a launch of {@code grid} blocks of {@code block} threads (x, y, z each) on
     * {@code stream}; {@code params} is the {@code void*[]} of pointers to each argument's value
     * ({@link KernelArgs}). No dynamic shared memory: kernels declare theirs statically.
     */
    void launch(MemorySegment function, int[] grid, int[] block, MemorySegment stream, MemorySegment params,
                String name, String op) {
        try {
            check((int) launchKernel.invokeExact(function, grid[0], grid[1], grid[2], block[0], block[1], block[2], 0,
                    stream, params, MemorySegment.NULL), op, "cuLaunchKernel(" + name + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
