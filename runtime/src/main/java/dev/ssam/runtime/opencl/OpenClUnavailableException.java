package dev.ssam.runtime.opencl;

/**
 * No usable OpenCL: the loader library cannot be opened, it reports no platform, or no platform
 * has a device. The message says what was tried and how to fix it; tests treat this (and only
 * this) as a reason to skip the OpenCL cases.
 */
public final class OpenClUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OpenClUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
