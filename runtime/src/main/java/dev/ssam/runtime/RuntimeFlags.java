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
 * </table>
 *
 * @param vectorBits    requested vector width in bits, 0 for the preferred species
 * @param forceRef      resolve {@code cpu} to {@code ref}
 * @param openclLibrary the OpenCL loader library to open, or "" for the default search
 * @param cudaDriver      the CUDA driver library to open, or "" for the default search
 * @param cudaLibraryPath folders searched first for the CUDA libraries, or ""
 */
public record RuntimeFlags(int vectorBits, boolean forceRef, String openclLibrary, String cudaDriver,
                           String cudaLibraryPath) {
    /** The flags of this JVM, read once. */
    public static final RuntimeFlags CURRENT = read();

    public RuntimeFlags {
        if (vectorBits != 0 && vectorBits != 64 && vectorBits != 128 && vectorBits != 256 && vectorBits != 512) {
            throw new IllegalArgumentException("ssam.vectorBits is " + vectorBits + ", expected 64, 128, 256 or 512");
        }
        openclLibrary = openclLibrary == null ? "" : openclLibrary.trim();
        cudaDriver = cudaDriver == null ? "" : cudaDriver.trim();
        cudaLibraryPath = cudaLibraryPath == null ? "" : cudaLibraryPath.trim();
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
                System.getProperty("ssam.cudaLibraryPath", ""));
    }
}
