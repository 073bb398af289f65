package dev.ssam.ops;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.cuda.CuContext;

import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend the op suites share through {@link BackendUnderTest#CUDA}: one per test JVM,
 * so each kernel source is compiled by NVRTC once for the whole run. Where no CUDA driver,
 * NVRTC, cuBLAS or device exists the calling test is skipped with the reason printed (once): CI
 * has no NVIDIA GPU; tools/device/check.sh runs these cases on one.
 */
public final class CudaFixture {
    private static Backend shared;
    private static boolean reported;

    private CudaFixture() {
    }

    /** The shared CUDA backend, or a skip when there is no device. */
    public static synchronized Backend backend() {
        if (shared != null) {
            return shared;
        }
        Optional<String> reason = CuContext.unavailableReason();
        if (reason.isPresent()) {
            if (!reported) {
                System.err.println("skipping CUDA tests: " + reason.get());
                reported = true;
            }
            assumeTrue(false, "no CUDA device: " + reason.get());
        }
        shared = Backend.cuda();
        return shared;
    }
}
