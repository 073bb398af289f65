package dev.ssam.tasks.bench;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProfile;
import dev.ssam.runtime.gpu.GpuStats;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one benchmark step's time goes on a GPU backend, for {@code ssam bench --profile}: the
 * device traffic of one step ({@link GpuStats}) and a {@link GpuProfile} of a few steps (each
 * launch, library call and copy timed between waits for the device, so the profiled step is slower
 * than an unprofiled one; the shares say where the time goes).
 *
 * <pre>{@code
 * for (BenchResult r : GpuProfiling.profile(gpu, "train_step", step, 3, 40)) { print(r); }
 * }</pre>
 */
public final class GpuProfiling {
    private GpuProfiling() {
    }

    /**
     * Runs {@code step} once counting its device traffic, then {@code steps} times under a profile.
     *
     * @return {@code gpu_step}: launches, uploads, upload_mb, downloads, download_mb per step,
     *         profiled_ms (wall time of a profiled step), in_ops_ms (the part inside op sessions) and
     *         outside_ops_ms (host work between ops), gc_ms (JVM collections); then up to {@code top} {@code gpu_profile}
     *         lines, most time first: op, what (a kernel, a cuBLAS call with its shape, a copy or
     *         "(session)", the op as a whole), calls_per_step, ms_per_step, share of the profiled step
     */
    public static List<BenchResult> profile(Backend.Gpu gpu, String bench, Runnable step, int steps, int top) {
        if (steps < 1) {
            throw new IllegalArgumentException("GpuProfiling: steps is " + steps + ", expected >= 1");
        }
        GpuContext ctx = gpu.context();
        ctx.resetStats();
        step.run();
        GpuStats s = ctx.stats();
        ctx.startProfile();
        long gc0 = gcMillis();
        long t0 = System.nanoTime();
        List<GpuProfile.Entry> entries;
        try {
            for (int i = 0; i < steps; i++) {
                step.run();
            }
        } finally {
            entries = ctx.stopProfile();
        }
        double stepMs = (System.nanoTime() - t0) / 1e6 / steps;
        double gcMs = (double) (gcMillis() - gc0) / steps;
        double inOps = 0;
        for (GpuProfile.Entry e : entries) {
            if (e.what().equals(GpuProfile.SESSION)) {
                inOps += e.nanos() / 1e6 / steps;
            }
        }
        List<BenchResult> out = new ArrayList<>();
        out.add(BenchResult.of("gpu_step").with("bench", bench).with("device", gpu.name())
                .with("launches", s.launches()).with("uploads", s.uploads())
                .with("upload_mb", BenchResult.round(s.uploadBytes() / 1e6, 3)).with("downloads", s.downloads())
                .with("download_mb", BenchResult.round(s.downloadBytes() / 1e6, 3))
                .with("profiled_ms", BenchResult.round(stepMs, 3)).with("in_ops_ms", BenchResult.round(inOps, 3))
                .with("outside_ops_ms", BenchResult.round(stepMs - inOps, 3)).with("gc_ms", BenchResult.round(gcMs, 3)));
        for (GpuProfile.Entry e : entries.subList(0, Math.min(top, entries.size()))) {
            double ms = e.nanos() / 1e6 / steps;
            out.add(BenchResult.of("gpu_profile").with("bench", bench).with("op", e.op()).with("what", e.what())
                    .with("calls_per_step", BenchResult.round((double) e.calls() / steps, 2))
                    .with("ms_per_step", BenchResult.round(ms, 4)).with("share", BenchResult.round(ms / stepMs, 4)));
        }
        return out;
    }

    /** Milliseconds the JVM's collectors have spent so far. */
    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }
}
