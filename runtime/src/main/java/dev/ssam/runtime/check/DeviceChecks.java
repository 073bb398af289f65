package dev.ssam.runtime.check;

import dev.ssam.runtime.opencl.ClContext;

import java.util.Optional;

/**
 * Whether a test may run its OpenCL cases: CI installs PoCL, so there a missing OpenCL device is a
 * failure; elsewhere it is a reason to skip, which the test prints and passes to its framework.
 *
 * <pre>{@code
 * DeviceChecks.openClSkipReason().ifPresent(why -> {
 *     System.out.println("SKIPPED: " + why);
 *     Assumptions.abort(why);
 * });
 * }</pre>
 */
public final class DeviceChecks {
    private DeviceChecks() {
    }

    /**
     * Empty when an OpenCL device is there; otherwise why not, as a reason to skip.
     *
     * @throws AssertionError under CI ({@code CI=true}), which must run the OpenCL cases
     */
    public static Optional<String> openClSkipReason() {
        Optional<String> reason = ClContext.unavailableReason();
        if (reason.isEmpty()) {
            return Optional.empty();
        }
        String why = "no OpenCL device: " + reason.get();
        if (GoldenFiles.inCi()) {
            throw new AssertionError(why + " (CI installs PoCL and requires the OpenCL run)");
        }
        return Optional.of(why);
    }
}
