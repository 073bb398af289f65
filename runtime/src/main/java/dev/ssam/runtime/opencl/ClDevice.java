package dev.ssam.runtime.opencl;

/**
 * What the chosen OpenCL device reports about itself.
 *
 * @param name                  CL_DEVICE_NAME
 * @param vendor                CL_DEVICE_VENDOR
 * @param version               CL_DEVICE_VERSION
 * @param platform              CL_PLATFORM_NAME of its platform
 * @param platformVersion       CL_PLATFORM_VERSION
 * @param gpu                   CL_DEVICE_TYPE includes GPU
 * @param computeUnits          CL_DEVICE_MAX_COMPUTE_UNITS
 * @param maxWorkGroupSize      CL_DEVICE_MAX_WORK_GROUP_SIZE
 * @param localMemBytes         CL_DEVICE_LOCAL_MEM_SIZE
 * @param globalMemBytes        CL_DEVICE_GLOBAL_MEM_SIZE
 * @param maxAllocBytes         CL_DEVICE_MAX_MEM_ALLOC_SIZE
 * @param correctlyRoundedDivideSqrt CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT in CL_DEVICE_SINGLE_FP_CONFIG:
 *                              programs are then built with {@code -cl-fp32-correctly-rounded-divide-sqrt}
 */
public record ClDevice(String name, String vendor, String version, String platform, String platformVersion,
                       boolean gpu, int computeUnits, long maxWorkGroupSize, long localMemBytes, long globalMemBytes,
                       long maxAllocBytes, boolean correctlyRoundedDivideSqrt) {

    /** One line for logs: {@code NVIDIA H100 (NVIDIA CUDA, OpenCL 3.0 CUDA, 132 CUs)}. */
    public String describe() {
        return name + " (" + platform + ", " + version + ", " + computeUnits + " compute units)";
    }
}
