package dev.ssam.runtime.cuda;

/**
 * What a {@link CuContext} knows about its device.
 *
 * @param ordinal         the CUDA device ordinal
 * @param name            e.g. {@code NVIDIA H100 80GB HBM3}
 * @param major           compute capability, major
 * @param minor           compute capability, minor
 * @param multiprocessors SMs
 * @param memBytes        device memory
 * @param maxThreads      largest block
 * @param sharedBytes     static shared memory per block
 * @param driverVersion   the driver's CUDA version, e.g. 13000
 * @param arch            the virtual architecture NVRTC compiles for (e.g. 90)
 * @param nvrtcVersion    NVRTC's version, e.g. {@code 13.0}
 */
public record CuDevice(int ordinal, String name, int major, int minor, int multiprocessors, long memBytes,
                       int maxThreads, int sharedBytes, int driverVersion, int arch, String nvrtcVersion) {

    /** One line: name, compute capability, SMs, memory, driver and compiler versions. */
    public String describe() {
        return name + " (compute " + major + "." + minor + ", " + multiprocessors + " SMs, "
                + (memBytes >> 20) + " MiB, CUDA driver " + driverVersion / 1000 + "." + driverVersion % 1000 / 10
                + ", NVRTC " + nvrtcVersion + " -> compute_" + arch + ")";
    }
}
