package dev.ssam.model;

import dev.ssam.runtime.check.GoldenFiles;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;

/**
 * Access to the large golden files in {@code ../shared/golden}: under CI ({@code CI=true}) a
 * missing file fails the test; elsewhere the test is skipped with a printed reason.
 */
final class GoldenAssume {
    private GoldenAssume() {
    }

    static Path require(String name) {
        var file = GoldenFiles.file(name);
        if (file.isPresent()) {
            return file.get();
        }
        String reason = "golden file " + name + " not found in a shared/golden folder above " + Path.of("").toAbsolutePath();
        if (GoldenFiles.inCi()) {
            throw new AssertionError(reason + " (CI must have it)");
        }
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
        return null;
    }

    /** The OpenCL backend, or a skip (a failure under CI=true) when no OpenCL device exists. */
    static dev.ssam.runtime.Backend opencl() {
        dev.ssam.runtime.check.DeviceChecks.openClSkipReason().ifPresent(why -> {
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        });
        return dev.ssam.runtime.Backend.opencl();
    }
}
