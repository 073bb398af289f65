package dev.ssam.runtime.cuda;

/**
 * A CUDA driver, NVRTC or cuBLAS call that returned an error: names the op that issued it, the
 * call and the error (name and number), e.g.
 * {@code selectiveScan: cuLaunchKernel(scan_forward) failed with CUDA_ERROR_INVALID_VALUE (1)}.
 * A failed NVRTC compile carries the compiler's log in the message.
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String errorName;

    CudaException(String op, String call, int code, String errorName, String detail) {
        super(op + ": " + call + " failed with " + errorName + " (" + code + ")"
                + (detail == null || detail.isEmpty() ? "" : "\n" + detail));
        this.code = code;
        this.errorName = errorName;
    }

    /** {@code first} reported again (a failed setup, to a later caller): same message, code and name; {@code first} as cause. */
    CudaException(CudaException first) {
        super(first.getMessage(), first);
        this.code = first.code;
        this.errorName = first.errorName;
    }

    /** The numeric result ({@code CUresult}, {@code nvrtcResult} or {@code cublasStatus_t}). */
    public int code() {
        return code;
    }

    /** The result's symbolic name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String errorName() {
        return errorName;
    }
}
