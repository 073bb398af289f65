package dev.ssam.ops;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.opencl.ClContext;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OpenCL backend the op suites share through {@link BackendUnderTest#OPENCL}: one per test
 * JVM, so each kernel program is compiled once for the whole run (PoCL compiles with LLVM). When
 * no OpenCL library or device exists the calling test is skipped with the reason printed, except
 * under the environment variable {@code CI=true}, where that fails the test: CI installs PoCL and
 * requires the run.
 */
public final class OpenClFixture {
    private static Backend shared;
    private static boolean reported;

    private OpenClFixture() {
    }

    /** The shared OpenCL backend, or a skip (a failure under CI=true) when there is no device. */
    public static synchronized Backend backend() {
        if (shared != null) {
            return shared;
        }
        Optional<String> reason = ClContext.unavailableReason();
        if (reason.isPresent()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true requires an OpenCL device (install pocl-opencl-icd): " + reason.get());
            }
            if (!reported) {
                System.err.println("skipping OpenCL tests: " + reason.get());
                reported = true;
            }
            assumeTrue(false, "no OpenCL device: " + reason.get());
        }
        shared = Backend.opencl();
        return shared;
    }
}
