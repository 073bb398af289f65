package dev.ssam.runtime.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Hand-written Panama FFM downcalls into the OpenCL ICD loader ({@code libOpenCL.so.1}), one
 * method per C function used. Every method checks the returned code (or {@code errcode_ret})
 * and throws {@link ClException} naming the call, the code and the op.
 *
 * <p>C types map as on LP64: {@code cl_int, cl_uint, cl_bool} to int; {@code cl_ulong,
 * cl_bitfield, size_t} to long; every handle ({@code cl_platform_id, cl_context, cl_mem, ...})
 * to an address.
 */
final class ClApi {
    static final int CL_SUCCESS = 0;
    static final int CL_DEVICE_NOT_FOUND = -1;
    static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;
    static final long CL_DEVICE_TYPE_CPU = 1L << 1;
    static final long CL_DEVICE_TYPE_GPU = 1L << 2;
    static final long CL_DEVICE_TYPE_ACCELERATOR = 1L << 3;
    static final long CL_DEVICE_TYPE_ALL = 0xFFFF_FFFFL;
    static final int CL_PLATFORM_VERSION = 0x0901;
    static final int CL_PLATFORM_NAME = 0x0902;
    static final int CL_DEVICE_TYPE = 0x1000;
    static final int CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    static final int CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    static final int CL_DEVICE_SINGLE_FP_CONFIG = 0x101B;
    static final int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    static final int CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
    static final int CL_DEVICE_NAME = 0x102B;
    static final int CL_DEVICE_VENDOR = 0x102C;
    static final int CL_DEVICE_VERSION = 0x102F;
    static final long CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT = 1L << 7;
    static final int CL_PROGRAM_BUILD_LOG = 0x1183;
    static final int CL_KERNEL_WORK_GROUP_SIZE = 0x11B0;
    static final long CL_MEM_READ_WRITE = 1L;

    private static final Linker LINKER = Linker.nativeLinker();

    /** The library actually opened (for messages). */
    final String library;
    private final MethodHandle getPlatformIDs;
    private final MethodHandle getPlatformInfo;
    private final MethodHandle getDeviceIDs;
    private final MethodHandle getDeviceInfo;
    private final MethodHandle createContext;
    private final MethodHandle createQueueWithProperties; // null when the loader predates OpenCL 2.0
    private final MethodHandle createQueue;
    private final MethodHandle createBuffer;
    private final MethodHandle enqueueWriteBuffer;
    private final MethodHandle enqueueReadBuffer;
    private final MethodHandle enqueueCopyBuffer;
    private final MethodHandle createProgramWithSource;
    private final MethodHandle buildProgram;
    private final MethodHandle getProgramBuildInfo;
    private final MethodHandle createKernel;
    private final MethodHandle setKernelArg;
    private final MethodHandle getKernelWorkGroupInfo;
    private final MethodHandle enqueueNDRangeKernel;
    private final MethodHandle finish;
    private final MethodHandle flush;
    private final MethodHandle enqueueMarkerWithWaitList;
    private final MethodHandle waitForEvents;
    private final MethodHandle releaseEvent;
    private final MethodHandle releaseMemObject;
    private final MethodHandle releaseKernel;
    private final MethodHandle releaseProgram;
    private final MethodHandle releaseCommandQueue;
    private final MethodHandle releaseContext;

    private ClApi(String library, SymbolLookup lib) {
        this.library = library;
        FunctionDescriptor release = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor info = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        FunctionDescriptor transfer = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        getPlatformIDs = bind(lib, "clGetPlatformIDs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        getPlatformInfo = bind(lib, "clGetPlatformInfo", info);
        getDeviceIDs = bind(lib, "clGetDeviceIDs",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        getDeviceInfo = bind(lib, "clGetDeviceInfo", info);
        createContext = bind(lib, "clCreateContext",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        createQueueWithProperties = lib.find("clCreateCommandQueueWithProperties")
                .map(s -> LINKER.downcallHandle(s, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)))
                .orElse(null);
        createQueue = bind(lib, "clCreateCommandQueue",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        createBuffer = bind(lib, "clCreateBuffer",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
        enqueueWriteBuffer = bind(lib, "clEnqueueWriteBuffer", transfer);
        enqueueReadBuffer = bind(lib, "clEnqueueReadBuffer", transfer);
        enqueueCopyBuffer = bind(lib, "clEnqueueCopyBuffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        createProgramWithSource = bind(lib, "clCreateProgramWithSource",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        buildProgram = bind(lib, "clBuildProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        getProgramBuildInfo = bind(lib, "clGetProgramBuildInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        createKernel = bind(lib, "clCreateKernel", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        setKernelArg = bind(lib, "clSetKernelArg", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        getKernelWorkGroupInfo = bind(lib, "clGetKernelWorkGroupInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        enqueueNDRangeKernel = bind(lib, "clEnqueueNDRangeKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        finish = bind(lib, "clFinish", release);
        flush = bind(lib, "clFlush", release);
        enqueueMarkerWithWaitList = bind(lib, "clEnqueueMarkerWithWaitList",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        waitForEvents = bind(lib, "clWaitForEvents", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        releaseEvent = bind(lib, "clReleaseEvent", release);
        releaseMemObject = bind(lib, "clReleaseMemObject", release);
        releaseKernel = bind(lib, "clReleaseKernel", release);
        releaseProgram = bind(lib, "clReleaseProgram", release);
        releaseCommandQueue = bind(lib, "clReleaseCommandQueue", release);
        releaseContext = bind(lib, "clReleaseContext", release);
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new OpenClUnavailableException(
                "OpenCL: the loader library lacks " + name + " (an OpenCL 1.2 loader is required)", null));
        return LINKER.downcallHandle(symbol, fd);
    }

    /**
     * Opens the loader: {@code setting} when not blank (a file path, or a name for the dynamic
     * linker's search), else {@code libOpenCL.so.1}, then {@code libOpenCL.so}.
     */
    static ClApi load(String setting) {
        List<String> candidates = setting == null || setting.isBlank()
                ? List.of("libOpenCL.so.1", "libOpenCL.so") : List.of(setting.trim());
        List<String> failures = new ArrayList<>();
        for (String name : candidates) {
            try {
                SymbolLookup lib = name.contains("/")
                        ? SymbolLookup.libraryLookup(Path.of(name), Arena.global())
                        : SymbolLookup.libraryLookup(name, Arena.global());
                return new ClApi(name, lib);
            } catch (IllegalArgumentException e) {
                failures.add(name + " (" + e.getMessage() + ")");
            }
        }
        throw new OpenClUnavailableException("OpenCL: cannot load the OpenCL loader library; tried "
                + String.join(", ", failures) + ". Install an ICD loader and a driver (Debian: apt-get install "
                + "ocl-icd-libopencl1 pocl-opencl-icd) or point -Dssam.openclLibrary at libOpenCL.so", null);
    }

    private static ClException fail(String op, String call, int code, String detail) {
        return new ClException(op, call, code, detail);
    }

    private static void check(int code, String op, String call) {
        if (code != CL_SUCCESS) {
            throw fail(op, call, code, null);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ---- platforms and devices ----

    /** Every platform; empty when the loader finds no driver. */
    List<MemorySegment> platforms(String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            int code = (int) getPlatformIDs.invokeExact(0, MemorySegment.NULL, count);
            if (code == CL_PLATFORM_NOT_FOUND_KHR || (code == CL_SUCCESS && count.get(JAVA_INT, 0) == 0)) {
                return List.of();
            }
            check(code, op, "clGetPlatformIDs");
            int n = count.get(JAVA_INT, 0);
            MemorySegment ids = a.allocate(ADDRESS, n);
            check((int) getPlatformIDs.invokeExact(n, ids, MemorySegment.NULL), op, "clGetPlatformIDs");
            return handles(ids, n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The devices of {@code type} on a platform; empty when it has none of that type. */
    List<MemorySegment> devices(MemorySegment platform, long type, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            int code = (int) getDeviceIDs.invokeExact(platform, type, 0, MemorySegment.NULL, count);
            if (code == CL_DEVICE_NOT_FOUND) {
                return List.of();
            }
            check(code, op, "clGetDeviceIDs");
            int n = count.get(JAVA_INT, 0);
            if (n == 0) {
                return List.of();
            }
            MemorySegment ids = a.allocate(ADDRESS, n);
            check((int) getDeviceIDs.invokeExact(platform, type, n, ids, MemorySegment.NULL), op, "clGetDeviceIDs");
            return handles(ids, n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static List<MemorySegment> handles(MemorySegment array, int n) {
        List<MemorySegment> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(array.getAtIndex(ADDRESS, i));
        }
        return out;
    }

    String platformString(MemorySegment platform, int param, String op) {
        return string(getPlatformInfo, platform, param, op, "clGetPlatformInfo");
    }

    String deviceString(MemorySegment device, int param, String op) {
        return string(getDeviceInfo, device, param, op, "clGetDeviceInfo");
    }

    /** A {@code cl_uint} device property. */
    int deviceInt(MemorySegment device, int param, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) getDeviceInfo.invokeExact(device, param, 4L, v, MemorySegment.NULL), op, "clGetDeviceInfo");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A {@code cl_ulong}, {@code cl_bitfield} or {@code size_t} device property. */
    long deviceLong(MemorySegment device, int param, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check((int) getDeviceInfo.invokeExact(device, param, 8L, v, MemorySegment.NULL), op, "clGetDeviceInfo");
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static String string(MethodHandle info, MemorySegment handle, int param, String op, String call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check((int) info.invokeExact(handle, param, 0L, MemorySegment.NULL, size), op, call);
            long n = size.get(JAVA_LONG, 0);
            MemorySegment v = a.allocate(Math.max(1, n));
            check((int) info.invokeExact(handle, param, n, v, MemorySegment.NULL), op, call);
            return v.getString(0, StandardCharsets.UTF_8).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- context, queue, buffers ----

    MemorySegment createContext(MemorySegment device, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment devices = a.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment ctx = (MemorySegment) createContext.invokeExact(MemorySegment.NULL, 1, devices,
                    MemorySegment.NULL, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), op, "clCreateContext");
            return ctx;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * An in-order queue without profiling: {@code clCreateCommandQueueWithProperties} on
     * OpenCL 2.0+ platforms, {@code clCreateCommandQueue} on 1.x platforms or old loaders.
     */
    MemorySegment createQueue(MemorySegment context, MemorySegment device, boolean platform20, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment q;
            String call;
            if (platform20 && createQueueWithProperties != null) {
                call = "clCreateCommandQueueWithProperties";
                q = (MemorySegment) createQueueWithProperties.invokeExact(context, device, MemorySegment.NULL, err);
            } else {
                call = "clCreateCommandQueue";
                q = (MemorySegment) createQueue.invokeExact(context, device, 0L, err);
            }
            check(err.get(JAVA_INT, 0), op, call);
            return q;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createBuffer(MemorySegment context, long bytes, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment mem = (MemorySegment) createBuffer.invokeExact(context, CL_MEM_READ_WRITE, bytes,
                    MemorySegment.NULL, err);
            int code = err.get(JAVA_INT, 0);
            if (code != CL_SUCCESS) {
                throw fail(op, "clCreateBuffer(" + bytes + " bytes)", code, null);
            }
            return mem;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking copy of {@code bytes} from native {@code src} to the buffer at byte {@code offset}. */
    void write(MemorySegment queue, MemorySegment mem, long offset, long bytes, MemorySegment src, String op) {
        try {
            check((int) enqueueWriteBuffer.invokeExact(queue, mem, 1, offset, bytes, src, 0, MemorySegment.NULL,
                    MemorySegment.NULL), op, "clEnqueueWriteBuffer");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking copy of {@code bytes} from the buffer at byte {@code offset} to native {@code dst}. */
    void read(MemorySegment queue, MemorySegment mem, long offset, long bytes, MemorySegment dst, String op) {
        try {
            check((int) enqueueReadBuffer.invokeExact(queue, mem, 1, offset, bytes, dst, 0, MemorySegment.NULL,
                    MemorySegment.NULL), op, "clEnqueueReadBuffer");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Queues a copy of {@code bytes} from {@code src} at byte {@code srcOffset} to {@code dst} at {@code dstOffset}. */
    void copy(MemorySegment queue, MemorySegment src, MemorySegment dst, long srcOffset, long dstOffset, long bytes,
              String op) {
        try {
            check((int) enqueueCopyBuffer.invokeExact(queue, src, dst, srcOffset, dstOffset, bytes, 0,
                    MemorySegment.NULL, MemorySegment.NULL), op, "clEnqueueCopyBuffer");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * An event reached once every command queued on {@code queue} so far has completed
     * ({@code clEnqueueMarkerWithWaitList} with an empty list); the queue is flushed so that work
     * waiting for the event on another queue can start. Release it with {@link #releaseEvent}.
     */
    MemorySegment marker(MemorySegment queue, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ev = a.allocate(ADDRESS);
            check((int) enqueueMarkerWithWaitList.invokeExact(queue, 0, MemorySegment.NULL, ev), op,
                    "clEnqueueMarkerWithWaitList");
            check((int) flush.invokeExact(queue), op, "clFlush");
            return ev.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Queues a copy of {@code bytes} from the buffer at byte {@code offset} to native {@code dst}
     * that starts once {@code after} is reached, without waiting for it (the queue is flushed);
     * returns the event reached when the copy is done. {@code dst} must stay valid until then.
     */
    MemorySegment readAsync(MemorySegment queue, MemorySegment mem, long offset, long bytes, MemorySegment dst,
                            MemorySegment after, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment wait = a.allocate(ADDRESS);
            wait.set(ADDRESS, 0, after);
            MemorySegment ev = a.allocate(ADDRESS);
            check((int) enqueueReadBuffer.invokeExact(queue, mem, 0, offset, bytes, dst, 1, wait, ev), op,
                    "clEnqueueReadBuffer");
            check((int) flush.invokeExact(queue), op, "clFlush");
            return ev.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Waits until {@code event} is reached; a failed command surfaces here. */
    void waitFor(MemorySegment event, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment list = a.allocate(ADDRESS);
            list.set(ADDRESS, 0, event);
            check((int) waitForEvents.invokeExact(1, list), op, "clWaitForEvents");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void releaseEvent(MemorySegment event, String op) {
        try {
            check((int) releaseEvent.invokeExact(event), op, "clReleaseEvent");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void finish(MemorySegment queue, String op) {
        try {
            check((int) finish.invokeExact(queue), op, "clFinish");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- programs and kernels ----

    /**
     * Creates and builds a program for one device; on a build failure the exception carries the
     * compiler log.
     */
    MemorySegment buildProgram(MemorySegment context, MemorySegment device, String source, String options,
                               String name, String op) {
        try (Arena a = Arena.ofConfined()) {
            byte[] text = source.getBytes(StandardCharsets.UTF_8);
            MemorySegment src = a.allocate(text.length + 1L);
            MemorySegment.copy(text, 0, src, ValueLayout.JAVA_BYTE, 0, text.length);
            MemorySegment strings = a.allocate(ADDRESS);
            strings.set(ADDRESS, 0, src);
            MemorySegment lengths = a.allocate(JAVA_LONG);
            lengths.set(JAVA_LONG, 0, text.length);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment program = (MemorySegment) createProgramWithSource.invokeExact(context, 1, strings, lengths,
                    err);
            check(err.get(JAVA_INT, 0), op, "clCreateProgramWithSource(" + name + ")");
            MemorySegment devices = a.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            int code = (int) buildProgram.invokeExact(program, 1, devices, a.allocateFrom(options), MemorySegment.NULL,
                    MemorySegment.NULL);
            if (code != CL_SUCCESS) {
                String log = buildLog(program, device, op);
                release(releaseProgram, program);
                throw fail(op, "clBuildProgram(" + name + ", options '" + options + "')", code, log);
            }
            return program;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private String buildLog(MemorySegment program, MemorySegment device, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            int code = (int) getProgramBuildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, 0L,
                    MemorySegment.NULL, size);
            if (code != CL_SUCCESS) {
                return "(no build log: clGetProgramBuildInfo failed with " + ClException.name(code) + ")";
            }
            long n = size.get(JAVA_LONG, 0);
            MemorySegment log = a.allocate(Math.max(1, n));
            check((int) getProgramBuildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, n, log,
                    MemorySegment.NULL), op, "clGetProgramBuildInfo");
            return log.getString(0, StandardCharsets.UTF_8).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createKernel(MemorySegment program, String name, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment k = (MemorySegment) createKernel.invokeExact(program, a.allocateFrom(name), err);
            check(err.get(JAVA_INT, 0), op, "clCreateKernel(" + name + ")");
            return k;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The largest work-group this kernel can run with on the device. */
    long kernelWorkGroupSize(MemorySegment kernel, MemorySegment device, String name, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check((int) getKernelWorkGroupInfo.invokeExact(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, 8L, v,
                    MemorySegment.NULL), op, "clGetKernelWorkGroupInfo(" + name + ")");
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets argument {@code index} to {@code size} bytes at {@code value} (a NULL value: a NULL buffer). */
    void setArg(MemorySegment kernel, int index, long size, MemorySegment value, String name, String op) {
        try {
            check((int) setKernelArg.invokeExact(kernel, index, size, value), op,
                    "clSetKernelArg(" + name + ", " + index + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Enqueues a launch of {@code global.length} dimensions (global sizes multiples of local). */
    void enqueue(MemorySegment queue, MemorySegment kernel, long[] global, long[] local, String name, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemoryLayout sizes = MemoryLayout.sequenceLayout(global.length, JAVA_LONG);
            MemorySegment g = a.allocate(sizes);
            MemorySegment l = a.allocate(sizes);
            for (int i = 0; i < global.length; i++) {
                g.setAtIndex(JAVA_LONG, i, global[i]);
                l.setAtIndex(JAVA_LONG, i, local[i]);
            }
            check((int) enqueueNDRangeKernel.invokeExact(queue, kernel, global.length, MemorySegment.NULL, g, l, 0,
                    MemorySegment.NULL, MemorySegment.NULL), op, "clEnqueueNDRangeKernel(" + name + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- release ----

    void releaseMem(MemorySegment mem) {
        release(releaseMemObject, mem);
    }

    void releaseKernel(MemorySegment kernel) {
        release(releaseKernel, kernel);
    }

    void releaseProgram(MemorySegment program) {
        release(releaseProgram, program);
    }

    void releaseQueue(MemorySegment queue) {
        release(releaseCommandQueue, queue);
    }

    void releaseContext(MemorySegment context) {
        release(releaseContext, context);
    }

    /** A release that fails (an invalid handle: a bug here) throws like any other call. */
    private static void release(MethodHandle h, MemorySegment handle) {
        try {
            int code = (int) h.invokeExact(handle);
            if (code != CL_SUCCESS) {
                throw fail("opencl", "release", code, null);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Whether a CL_PLATFORM_VERSION string ({@code OpenCL <major>.<minor> <vendor text>}) says 2.0 or later. */
    static boolean atLeast20(String platformVersion) {
        String[] parts = platformVersion.split(" ");
        if (parts.length < 2 || !parts[0].equals("OpenCL")) {
            return false;
        }
        int dot = parts[1].indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? parts[1] : parts[1].substring(0, dot)) >= 2;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
