package dev.ssam.runtime.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CudaExceptionTest {

    @Test
    void messageNamesOpCallErrorAndCode() {
        CudaException e = new CudaException("selectiveScan", "cuLaunchKernel(scan_forward)", 1,
                "CUDA_ERROR_INVALID_VALUE", null);
        assertEquals("selectiveScan: cuLaunchKernel(scan_forward) failed with CUDA_ERROR_INVALID_VALUE (1)",
                e.getMessage());
        assertEquals(1, e.code());
        assertEquals("CUDA_ERROR_INVALID_VALUE", e.errorName());
    }

    @Test
    void compileFailureCarriesTheLog() {
        CudaException e = new CudaException("relu", "nvrtcCompileProgram(act.cl)", 6, "NVRTC_ERROR_COMPILATION",
                "act.cl(3): error: identifier \"x\" is undefined");
        assertEquals("relu: nvrtcCompileProgram(act.cl) failed with NVRTC_ERROR_COMPILATION (6)\n"
                + "act.cl(3): error: identifier \"x\" is undefined", e.getMessage());
    }

    @Test
    void cublasStatusesHaveNames() {
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", Cublas.statusName(7));
        assertEquals("CUBLAS_STATUS_EXECUTION_FAILED", Cublas.statusName(13));
        assertEquals("CUBLAS_STATUS_99", Cublas.statusName(99));
    }
}
