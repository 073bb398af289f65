package dev.ssam.device;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;

import static org.junit.platform.engine.discovery.ClassNameFilter.excludeClassNamePatterns;
import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.PackageNameFilter.includePackageNames;

/**
 * Runs the CUDA checks of the device kit (tools/device/check.sh) through the JUnit Platform
 * launcher: from the test-class folders given as arguments (folders, not jars, are scanned: the
 * kit's runtime has no zip file system), the tests of {@code dev.ssam.runtime.cuda} and the CUDA
 * cases of the op parity suites (golden suites excluded), as {@link OnlyCudaCases} selects them:
 * the op suites' other tests are dropped at discovery and their ref, cpu and opencl cases are
 * disabled; {@code -Dssam.device.tests=REGEX} narrows the classes (fully qualified names, default
 * {@code .*Test}). Prints each test class's end and each failure as they happen (so a run its time limit
 * stops still shows how far it got), then the failures in full, the skipped cases and one JSON
 * summary line ({@code disabled}:
 * the other backends' cases; {@code skipped}: cases that gave up, e.g. for want of a device);
 * exits 0 only when nothing failed and at least one op parity case ran on CUDA.
 */
public final class DeviceTests {
    private DeviceTests() {
    }

    /**
     * A case that ran on a CUDA device: an op parity case for cuda (it gives up, as skipped, where
     * no device exists, so its success means a device ran it). Cases of runtime.cuda are not
     * counted: some of them pass without a device (they check the reason given), which let the
     * check pass on a machine whose CUDA setup failed.
     */
    private static boolean onDevice(TestIdentifier id) {
        return id.getUniqueId().contains("invocation:")
                && OnlyCudaCases.firstWord(id.getDisplayName()).equals("cuda");
    }

    /** Runs the tests in the class-path roots {@code args} (test-class folders). */
    public static void main(String[] args) {
        Set<Path> roots = new LinkedHashSet<>();
        for (String dir : args) {
            roots.add(Path.of(dir));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClasspathRoots(roots))
                .filters(includePackageNames("dev.ssam.runtime.cuda", "dev.ssam.ops"),
                        includeClassNamePatterns(System.getProperty("ssam.device.tests", ".*Test")),
                        excludeClassNamePatterns(".*GoldenTest"),
                        new OnlyCudaCases())
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        List<String> skipped = new ArrayList<>();
        int[] cudaCases = new int[1];
        long start = System.nanoTime();
        PrintWriter progress = new PrintWriter(System.out, true);
        TestExecutionListener log = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                double at = (System.nanoTime() - start) / 1e9;
                // as it happens (flushed), so a run stopped by its time limit still shows how far it got
                if (!id.isTest()) {
                    if (id.getSource().orElse(null) instanceof ClassSource c) {
                        progress.printf("class %s: %s at %.1f s%n", c.getClassName(), result.getStatus(), at);
                    }
                    return;
                }
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    progress.printf("FAILED at %.1f s: %s %s: %s%n", at, id.getLegacyReportingName(),
                            id.getDisplayName(), result.getThrowable().map(Throwable::toString).orElse(""));
                }
                if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    skipped.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::getMessage).orElse(""));
                } else if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL && onDevice(id)) {
                    cudaCases[0]++;
                }
            }
        };
        long t0 = System.nanoTime();
        launcher.execute(request, summary, log);
        double seconds = (System.nanoTime() - t0) / 1e9;
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 30);
        for (String k : skipped.subList(0, Math.min(20, skipped.size()))) {
            out.println("skipped: " + k);
        }
        out.printf("{\"check\":\"cuda-parity-tests\",\"tests\":%d,\"succeeded\":%d,\"failed\":%d,\"skipped\":%d,"
                        + "\"disabled\":%d,\"cudaCases\":%d,\"seconds\":%.1f}%n", s.getTestsFoundCount(),
                s.getTestsSucceededCount(), s.getTotalFailureCount(), s.getTestsAbortedCount(),
                s.getTestsSkippedCount(), cudaCases[0], seconds);
        System.exit(s.getTotalFailureCount() == 0 && cudaCases[0] > 0 ? 0 : 1);
    }
}
