package dev.ssam.runtime;

/**
 * The one record of runtime flags that may change behaviour without a code change, read once at
 * class initialisation from system properties (STYLE.md: no other property or variable switches
 * behaviour).
 *
 * <table>
 * <caption>flags</caption>
 * <tr><th>property</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code ssam.vectorBits}</td><td>force the Vector API width the Cpu kernels use
 *     (64, 128, 256 or 512); wider than the hardware supports is clamped</td><td>preferred</td></tr>
 * <tr><td>{@code ssam.forceRef}</td><td>{@code true}: every {@code cpu} device request resolves to
 *     the scalar reference backend (for bisecting a wrong result)</td><td>false</td></tr>
 * <tr><td>{@code ssam.openclLibrary}</td><td>the OpenCL loader the {@code opencl} device opens: a file
 *     path or a library name</td><td>{@code libOpenCL.so.1}, then {@code libOpenCL.so}</td></tr>
 * <tr><td>{@code ssam.cudaDriver}</td><td>the CUDA driver library the {@code cuda} device opens: a file
 *     path or a library name</td><td>{@code libcuda.so.1}, then {@code libcuda.so}</td></tr>
 * <tr><td>{@code ssam.cudaLibraryPath}</td><td>folders (separated by {@code :}) searched first for
 *     NVRTC and cuBLAS (and the driver)</td><td>the dynamic linker's search, then
 *     {@code /usr/local/cuda/targets/x86_64-linux/lib}, {@code /usr/local/cuda/lib64}</td></tr>
 * <tr><td>{@code ssam.gpu.scanChunk}</td><td>the GPU scan's chunk: tokens of B and C staged together,
 *     and the backward's checkpoint interval (1 to 64)</td><td>16</td></tr>
 * <tr><td>{@code ssam.gpu.scanSplit}</td><td>work-items per channel of the GPU forward scan (1 to 8;
 *     used where it divides the state size)</td><td>1</td></tr>
 * <tr><td>{@code ssam.gpu.scanAhead}</td><td>tokens whose inputs a GPU forward work-item loads
 *     together (1 to 16; 1 is the kernel measured in session 4)</td><td>8</td></tr>
 * <tr><td>{@code ssam.gpu.scanFuseProjection}</td><td>{@code false}: GPU inference runs x_proj's
 *     column split, the dt projection and the scan as separate ops (for comparison)</td><td>true</td></tr>
 * <tr><td>{@code ssam.gpu.prefetch}</td><td>{@code false}: {@code Tensor.prefetchToHost} does nothing, so
 *     every download waits for the device's queue (for comparison)</td><td>true</td></tr>
 * <tr><td>{@code ssam.gpu.stageWindows}</td><td>windows per stage of a GPU embedding call, at least (a
 *     larger window batch makes stages that large), and the default window batch on a GPU (1 to
 *     4096)</td><td>128</td></tr>
 * <tr><td>{@code ssam.gpu.pedanticGemm}</td><td>{@code true}: fp32 cuBLAS products in
 *     {@code CUBLAS_PEDANTIC_MATH} instead of {@code CUBLAS_DEFAULT_MATH} (both full fp32; for
 *     comparison)</td><td>false</td></tr>
 * <tr><td>{@code ssam.gpu.kernelCache}</td><td>the folder where compiled CUDA kernels are kept between
 *     runs, or {@code none}</td><td>{@code ~/.cache/ssam/kernels}</td></tr>
 * </table>
 *
 * @param vectorBits    requested vector width in bits, 0 for the preferred species
 * @param forceRef      resolve {@code cpu} to {@code ref}
 * @param openclLibrary the OpenCL loader library to open, or "" for the default search
 * @param cudaDriver      the CUDA driver library to open, or "" for the default search
 * @param cudaLibraryPath folders searched first for the CUDA libraries, or ""
 * @param scan            the GPU scan's tuning settings
 * @param gpuPrefetch     whether downloads may be started early, on a second queue
 * @param gpuStageWindows windows per stage of a GPU embedding call, at least (and the default window batch there)
 * @param gpuPedanticGemm whether fp32 cuBLAS products run in cuBLAS's pedantic math mode
 * @param gpuKernelCache  the compiled-kernel folder, or "" for none
 */
public record RuntimeFlags(int vectorBits, boolean forceRef, String openclLibrary, String cudaDriver,
                           String cudaLibraryPath, ScanTuning scan, boolean gpuPrefetch, int gpuStageWindows,
                           boolean gpuPedanticGemm, String gpuKernelCache) {
    /** Windows per stage of a GPU embedding call unless {@code ssam.gpu.stageWindows} says otherwise. */
    public static final int DEFAULT_STAGE_WINDOWS = 128;
    /** The flags of this JVM, read once. */
    public static final RuntimeFlags CURRENT = read();

    public RuntimeFlags {
        if (vectorBits != 0 && vectorBits != 64 && vectorBits != 128 && vectorBits != 256 && vectorBits != 512) {
            throw new IllegalArgumentException("ssam.vectorBits is " + vectorBits + ", expected 64, 128, 256 or 512");
        }
        openclLibrary = openclLibrary == null ? "" : openclLibrary.trim();
        cudaDriver = cudaDriver == null ? "" : cudaDriver.trim();
        cudaLibraryPath = cudaLibraryPath == null ? "" : cudaLibraryPath.trim();
        gpuKernelCache = gpuKernelCache == null || gpuKernelCache.trim().equals("none") ? "" : gpuKernelCache.trim();
        if (scan == null) {
            throw new IllegalArgumentException("RuntimeFlags: scan tuning is missing (null)");
        }
        requireRange("ssam.gpu.stageWindows", gpuStageWindows, 1, 4096);
    }

    private static RuntimeFlags read() {
        String bits = System.getProperty("ssam.vectorBits", "0").trim();
        int b;
        try {
            b = Integer.parseInt(bits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ssam.vectorBits is '" + bits + "', expected 64, 128, 256 or 512", e);
        }
        return new RuntimeFlags(b, Boolean.parseBoolean(System.getProperty("ssam.forceRef", "false")),
                System.getProperty("ssam.openclLibrary", ""), System.getProperty("ssam.cudaDriver", ""),
                System.getProperty("ssam.cudaLibraryPath", ""), new ScanTuning(
                        ScanTuning.chunk(System.getProperty("ssam.gpu.scanChunk")),
                        ScanTuning.split(System.getProperty("ssam.gpu.scanSplit")),
                        ScanTuning.ahead(System.getProperty("ssam.gpu.scanAhead")),
                        ScanTuning.fuseProjection(System.getProperty("ssam.gpu.scanFuseProjection"))),
                trueOrFalse("ssam.gpu.prefetch", System.getProperty("ssam.gpu.prefetch"), true),
                stageWindows(System.getProperty("ssam.gpu.stageWindows")),
                trueOrFalse("ssam.gpu.pedanticGemm", System.getProperty("ssam.gpu.pedanticGemm"), false),
                System.getProperty("ssam.gpu.kernelCache", defaultKernelCache()));
    }

    /** {@code ~/.cache/ssam/kernels}, or "" (none) when the JVM knows no home folder. */
    static String defaultKernelCache() {
        String home = System.getProperty("user.home", "");
        return home.isBlank() || home.equals("?") ? "" : java.nio.file.Path.of(home, ".cache", "ssam", "kernels").toString();
    }

    /** A boolean setting of property {@code name}: {@code true} or {@code false}, null or blank for {@code fallback}. */
    static boolean trueOrFalse(String name, String setting, boolean fallback) {
        if (setting == null || setting.isBlank()) {
            return fallback;
        }
        return switch (setting.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " is '" + setting + "', expected true or false");
        };
    }

    /**
     * The GPU selective scan's tuning settings (the {@code ssam.gpu.scan*} properties above; the
     * kernels are {@code dev.ssam.ops.scan.ScanGpu}'s). Each parser takes the property's text (null
     * or blank: the default) and names the property in its error.
     *
     * @param chunk          tokens per chunk, 1 to 64
     * @param split          work-items per channel of the forward, 1 to 8
     * @param ahead          tokens whose inputs a forward work-item loads together, 1 to 16
     * @param fuseProjection whether inference fuses x_proj's split, dt and the scan
     */
    public record ScanTuning(int chunk, int split, int ahead, boolean fuseProjection) {
        public ScanTuning {
            requireRange("ssam.gpu.scanChunk", chunk, 1, 64);
            requireRange("ssam.gpu.scanSplit", split, 1, 8);
            requireRange("ssam.gpu.scanAhead", ahead, 1, 16);
        }

        /** A {@code ssam.gpu.scanChunk} setting (default 16). */
        public static int chunk(String setting) {
            return wholeNumber("ssam.gpu.scanChunk", setting, 16, 1, 64);
        }

        /** A {@code ssam.gpu.scanSplit} setting (default 1). */
        public static int split(String setting) {
            return wholeNumber("ssam.gpu.scanSplit", setting, 1, 1, 8);
        }

        /** A {@code ssam.gpu.scanAhead} setting (default 8). */
        public static int ahead(String setting) {
            return wholeNumber("ssam.gpu.scanAhead", setting, 8, 1, 16);
        }

        /** A {@code ssam.gpu.scanFuseProjection} setting (default true). */
        public static boolean fuseProjection(String setting) {
            return trueOrFalse("ssam.gpu.scanFuseProjection", setting, true);
        }

    }

    /** A {@code ssam.gpu.stageWindows} setting (default {@value #DEFAULT_STAGE_WINDOWS}, 1 to 4096). */
    public static int stageWindows(String setting) {
        return wholeNumber("ssam.gpu.stageWindows", setting, DEFAULT_STAGE_WINDOWS, 1, 4096);
    }

    private static void requireRange(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " is " + v + ", expected a whole number from " + min + " to "
                    + max);
        }
    }

    private static int wholeNumber(String name, String setting, int fallback, int min, int max) {
        if (setting == null || setting.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(setting.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " is '" + setting + "', expected a whole number from " + min
                + " to " + max);
    }
}
