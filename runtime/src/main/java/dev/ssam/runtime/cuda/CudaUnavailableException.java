package dev.ssam.runtime.cuda;

/**
 * No usable CUDA: a library (driver, NVRTC or cuBLAS) cannot be opened or lacks a function, the
 * driver is too old, or there is no device. The message says what was tried and how to fix it;
 * tests treat this (and only this) as a reason to skip the CUDA cases.
 */
public final class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
