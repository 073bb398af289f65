package dev.ssam.tools;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Parallel;
import dev.ssam.runtime.cuda.Cublas;
import picocli.CommandLine.Option;

/** {@code --device} and {@code --threads}, shared by every subcommand that computes ({@code @Mixin}). */
public final class DeviceOptions {
    /** Devices this build can compute on. */
    public enum Device {
        /** the scalar reference (slow; the oracle) */
        ref,
        /** Vector API kernels on CPU threads */
        cpu,
        /** OpenCL kernels (a GPU, or PoCL on the CPU); tensors stay on the device between ops */
        opencl,
        /** CUDA kernels (NVRTC) and cuBLAS on an NVIDIA GPU; tensors stay on the device between ops */
        cuda
    }

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    @Option(names = "--device", defaultValue = "cpu", description = "Where to compute: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Device device = Device.cpu;

    @Option(names = "--threads", description = "CPU threads (default: all cores).")
    Integer threads;

    @Option(names = "--tf32", description = "With --device cuda: matrix products on TF32 tensor cores (faster, about 3 "
            + "decimal digits per product instead of fp32's 7; default: full fp32).")
    boolean tf32;

    /** Threads to use: the option, or every core. */
    public int threads() {
        int t = threads == null ? Parallel.availableCores() : threads;
        if (t < 1) {
            throw new picocli.CommandLine.ParameterException(mixee.commandLine(),
                    "--threads is " + t + ", expected at least 1");
        }
        return t;
    }

    /** A new backend for these options (close it when done). */
    public Backend open() {
        Backend b = Backend.parse(device.name(), threads());
        try {
            applyTf32(mixee.commandLine(), b, tf32);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /**
     * Puts the CUDA backend's cuBLAS products on TF32 tensor cores when {@code tf32} is set;
     * {@code --tf32} with another device is a usage error.
     */
    static void applyTf32(picocli.CommandLine cl, Backend b, boolean tf32) {
        if (!tf32) {
            return;
        }
        if (!(b instanceof Backend.Cuda cuda)) {
            throw new picocli.CommandLine.ParameterException(cl, "--tf32 needs --device cuda (the device is "
                    + b.name() + ")");
        }
        cuda.context().mathMode(Cublas.MathMode.TF32);
    }
}
