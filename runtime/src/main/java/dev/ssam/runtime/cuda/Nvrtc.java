package dev.ssam.runtime.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Hand-written Panama FFM downcalls into NVRTC, the CUDA runtime compiler: compiles a portable
 * kernel source (portable.h picks its CUDA branch from {@code __CUDACC_RTC__}) to PTX, which the
 * driver then loads ({@code cuModuleLoadData}). Every call is checked; a failed compile throws a
 * {@link CudaException} carrying the compiler's log.
 *
 * <p>Options ({@link #options}): {@code --gpu-architecture=compute_XY} for the newest virtual
 * architecture NVRTC supports that is not newer than the device ({@link #chooseArch}),
 * {@code --fmad=false} (no contraction: portable.h rule 8), {@code --prec-div=true
 * --prec-sqrt=true --ftz=false} (IEEE division, square root and denormals, NVRTC's defaults
 * spelled out), {@code -default-device}, {@code -DSSAM_CUDA}, then the op's defines.
 *
 * <pre>{@code
 * Nvrtc nvrtc = Nvrtc.load();
 * String ptx = nvrtc.compile(src.text(), src.name(), Nvrtc.options(nvrtc.chooseArch(90), "-DSSAM_NSTATE=24"), "scan");
 * }</pre>
 */
public final class Nvrtc {
    static final int NVRTC_SUCCESS = 0;
    private static final Linker LINKER = Linker.nativeLinker();

    /** The library actually opened (for messages). */
    final String library;
    private final MethodHandle getErrorString;
    private final MethodHandle version;
    private final MethodHandle getNumSupportedArchs;
    private final MethodHandle getSupportedArchs;
    private final MethodHandle createProgram;
    private final MethodHandle compileProgram;
    private final MethodHandle getProgramLogSize;
    private final MethodHandle getProgramLog;
    private final MethodHandle getPtxSize;
    private final MethodHandle getPtx;
    private final MethodHandle destroyProgram;

    private Nvrtc(String library, SymbolLookup lib) {
        this.library = library;
        FunctionDescriptor outPtr = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor progOut = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        getErrorString = bind(lib, "nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        version = bind(lib, "nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getNumSupportedArchs = bind(lib, "nvrtcGetNumSupportedArchs", outPtr);
        getSupportedArchs = bind(lib, "nvrtcGetSupportedArchs", outPtr);
        createProgram = bind(lib, "nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compileProgram = bind(lib, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        getProgramLogSize = bind(lib, "nvrtcGetProgramLogSize", progOut);
        getProgramLog = bind(lib, "nvrtcGetProgramLog", progOut);
        getPtxSize = bind(lib, "nvrtcGetPTXSize", progOut);
        getPtx = bind(lib, "nvrtcGetPTX", progOut);
        destroyProgram = bind(lib, "nvrtcDestroyProgram", outPtr);
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new CudaUnavailableException(
                "CUDA: the NVRTC library lacks " + name + " (NVRTC 12 or later is required)", null));
        return LINKER.downcallHandle(symbol, fd);
    }

    /**
     * Opens NVRTC ({@link CudaLibraries}).
     *
     * @throws CudaUnavailableException when the library cannot be opened or is too old
     */
    public static Nvrtc load() {
        CudaLibraries.Opened lib = CudaLibraries.open(CudaLibraries.Library.NVRTC);
        return new Nvrtc(lib.name(), lib.lookup());
    }

    /** {@code nvrtcGetErrorString}: the result's name, e.g. {@code NVRTC_ERROR_COMPILATION}. */
    String errorName(int code) {
        try {
            MemorySegment s = (MemorySegment) getErrorString.invokeExact(code);
            return s.equals(MemorySegment.NULL) ? "NVRTC_ERROR_" + code
                    : s.reinterpret(256).getString(0, StandardCharsets.US_ASCII);
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
    }

    private void check(int code, String op, String call) {
        if (code != NVRTC_SUCCESS) {
            throw new CudaException(op, call, code, errorName(code), null);
        }
    }

    /** NVRTC's version as {@code major.minor}. */
    public String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(JAVA_INT);
            MemorySegment minor = a.allocate(JAVA_INT);
            check((int) version.invokeExact(major, minor), "cuda", "nvrtcVersion");
            return major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
    }

    /** The virtual architectures this NVRTC compiles for (e.g. 75, 80, ..., 120), ascending. */
    public int[] supportedArchs() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            check((int) getNumSupportedArchs.invokeExact(n), "cuda", "nvrtcGetNumSupportedArchs");
            int count = n.get(JAVA_INT, 0);
            MemorySegment archs = a.allocate(JAVA_INT, Math.max(1, count));
            check((int) getSupportedArchs.invokeExact(archs), "cuda", "nvrtcGetSupportedArchs");
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                out[i] = archs.getAtIndex(JAVA_INT, i);
            }
            return out;
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
    }

    /** The architecture to compile for on a device of compute capability {@code deviceArch} (90 for 9.0). */
    public int chooseArch(int deviceArch) {
        return chooseArch(deviceArch, supportedArchs());
    }

    /**
     * The newest of {@code supported} (ascending) not newer than {@code deviceArch}: PTX of an older
     * virtual architecture runs on newer devices, never the reverse.
     *
     * @throws CudaUnavailableException when every supported architecture is newer than the device
     */
    public static int chooseArch(int deviceArch, int[] supported) {
        int best = -1;
        for (int a : supported) {
            if (a <= deviceArch && a > best) {
                best = a;
            }
        }
        if (best < 0) {
            throw new CudaUnavailableException("CUDA: the device's compute capability " + deviceArch / 10 + "."
                    + deviceArch % 10 + " is older than every architecture this NVRTC supports "
                    + java.util.Arrays.toString(supported), null);
        }
        return best;
    }

    /**
     * The compile options for virtual architecture {@code arch} (e.g. 90) and the op's
     * {@code defines} (whitespace-separated {@code -D} options, nullable).
     */
    public static List<String> options(int arch, String defines) {
        List<String> out = new ArrayList<>(List.of("--gpu-architecture=compute_" + arch, "--fmad=false",
                "--prec-div=true", "--prec-sqrt=true", "--ftz=false", "-default-device", "-DSSAM_CUDA"));
        if (defines != null && !defines.isBlank()) {
            out.addAll(List.of(defines.trim().split("\\s+")));
        }
        return out;
    }

    /**
     * Compiles {@code source} (named {@code name} in messages) with {@code options} and returns the PTX.
     *
     * @throws CudaException on a compile error, with NVRTC's log
     */
    public String compile(String source, String name, List<String> options, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment progOut = a.allocate(ADDRESS);
            check((int) createProgram.invokeExact(progOut, a.allocateFrom(source), a.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), op, "nvrtcCreateProgram(" + name + ")");
            MemorySegment prog = progOut.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) {
                    opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                }
                int code = (int) compileProgram.invokeExact(prog, options.size(), opts);
                if (code != NVRTC_SUCCESS) {
                    throw new CudaException(op, "nvrtcCompileProgram(" + name + ", options '"
                            + String.join(" ", options) + "')", code, errorName(code), text(prog, true, op));
                }
                return text(prog, false, op);
            } finally {
                check((int) destroyProgram.invokeExact(progOut), op, "nvrtcDestroyProgram(" + name + ")");
            }
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
    }

    /** The program's log ({@code log}) or PTX, without the terminating NUL. */
    private String text(MemorySegment prog, boolean log, String op) throws Throwable {
        String what = log ? "nvrtcGetProgramLog" : "nvrtcGetPTX";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            int code = log ? (int) getProgramLogSize.invokeExact(prog, size) : (int) getPtxSize.invokeExact(prog, size);
            check(code, op, what + "Size");
            long n = size.get(JAVA_LONG, 0);
            MemorySegment buf = a.allocate(Math.max(1, n));
            code = log ? (int) getProgramLog.invokeExact(prog, buf) : (int) getPtx.invokeExact(prog, buf);
            check(code, op, what);
            byte[] bytes = buf.asSlice(0, Math.max(0, n - 1)).toArray(JAVA_BYTE);
            return new String(bytes, StandardCharsets.UTF_8).trim();
        }
    }
}
