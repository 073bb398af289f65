package dev.ssam.tools;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.gpu.KernelCache;
import dev.ssam.tasks.bench.BenchResult;
import dev.ssam.tasks.bench.GpuProfiling;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code --tf32} and {@code --profile} of {@code ssam bench train} and {@code ssam bench embed} ({@code @Mixin}). */
public final class BenchGpuOptions {
    /** Steps timed under a GPU profile. */
    private static final int PROFILE_STEPS = 3;
    /** Profile lines printed per case, most time first. */
    private static final int PROFILE_LINES = 60;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    @Option(names = "--tf32", description = "With --device cuda: matrix products on TF32 tensor cores (default: full fp32).")
    boolean tf32;

    @Option(names = "--profile", description = "On a GPU device, after the timing: the device traffic of one step and "
            + "where a profiled step's time goes, per op and kernel (gpu_step and gpu_profile lines).")
    boolean profile;

    /** Puts {@code b}'s cuBLAS products on TF32 for {@code --tf32} (a usage error on another device). */
    void apply(Backend b) {
        DeviceOptions.applyTf32(mixee.commandLine(), b, tf32);
    }

    /**
     * {@code r} with its math and device: {@code tf32}; on a GPU {@code gpu}, the device's one-line
     * description (name, compute capability or OpenCL version, driver); on CUDA {@code gemm_math},
     * the cuBLAS math mode the products ran in ({@code fp32}, {@code fp32_pedantic} or {@code tf32}),
     * the kernel cache's folder and its use so far (NVRTC compiles, entries read, entries not written).
     */
    BenchResult withMath(BenchResult r, Backend b) {
        BenchResult labelled = r.with("tf32", tf32);
        if (b instanceof Backend.Gpu gpu) {
            labelled = labelled.with("gpu", gpu.context().describe());
        }
        if (b instanceof Backend.Cuda cuda) {
            KernelCache cache = cuda.context().kernelCache();
            labelled = labelled.with("gemm_math", cuda.context().mathMode().name().toLowerCase(java.util.Locale.ROOT))
                    .with("kernel_cache", cache.dir().map(Object::toString).orElse("none"))
                    .with("nvrtc_compiles", cuda.context().nvrtcCompiles()).with("kernel_cache_hits", cache.hits())
                    .with("kernel_cache_store_failures", cache.storeFailures());
        }
        return labelled;
    }

    /**
     * For {@code --profile}: on a GPU backend, prints where {@code step}'s time goes
     * ({@link GpuProfiling}); on another backend, one line saying there is no GPU profile. Without
     * {@code --profile}, nothing.
     */
    void profile(PrintWriter out, Backend b, String bench, Runnable step, String commit) {
        if (!profile) {
            return;
        }
        if (b instanceof Backend.Gpu gpu) {
            for (BenchResult r : GpuProfiling.profile(gpu, bench, step, PROFILE_STEPS, PROFILE_LINES)) {
                BenchCommand.print(out, r, commit);
            }
        } else {
            BenchCommand.print(out, BenchResult.of("gpu_profile").with("bench", bench).with("device", b.name())
                    .with("note", "--profile times GPU work; " + b.name() + " has none"), commit);
        }
    }
}
