package dev.ssam.runtime;

import dev.ssam.runtime.cuda.CuContext;
import dev.ssam.runtime.cuda.CudaUnavailableException;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.OpenClUnavailableException;

/**
 * Where an op runs. The family is sealed: every op dispatches with an exhaustive
 * {@code switch (backend)}, so adding a member (the GPU backends) fails compilation until every op
 * handles it.
 *
 * <ul>
 *   <li>{@link Ref}: plain scalar Java, loop order following the math; the oracle every other
 *       backend is tested against, and selectable as {@code --device ref}.</li>
 *   <li>{@link Cpu}: Vector API kernels ({@link Simd#FLOAT}) on a {@link Parallel} pool.</li>
 *   <li>{@link Gpu}: portable GPU kernels on one device through Panama FFM, written once against
 *       {@link GpuContext}; its members are {@link Cuda} ({@link CuContext}; matmuls on cuBLAS) and
 *       {@link OpenCl} ({@link ClContext}; PoCL runs the
 *       kernels on the CPU where no GPU exists).</li>
 * </ul>
 *
 * <pre>{@code
 * try (Backend cpu = Backend.cpu(2)) {
 *     Matmul.linear(cpu, x, w, bias, out);
 * }
 * }</pre>
 */
public sealed interface Backend extends AutoCloseable permits Backend.Ref, Backend.Cpu, Backend.Gpu {

    /** The device name as the command line spells it ({@code ref}, {@code cpu}, {@code opencl}, {@code cuda}). */
    String name();

    /** Threads this backend computes with. */
    int threads();

    @Override
    default void close() {
    }

    /**
     * Runs {@code body} for every index of {@code [0, n)}: spread over the threads of a Cpu backend
     * that has several (contiguous ranges, {@link Parallel#forRange}), in order on any other. For
     * host work on independent items (clips, windows), not for kernels.
     */
    static void forEachIndex(Backend backend, int n, java.util.function.IntConsumer body) {
        if (backend instanceof Cpu cpu && cpu.threads() > 1 && n > 1) {
            cpu.parallel().forRange(n, (from, to, worker) -> {
                for (int i = from; i < to; i++) {
                    body.accept(i);
                }
            });
        } else {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
        }
    }

    /** The scalar reference backend (single-threaded). */
    static Backend ref() {
        return Ref.INSTANCE;
    }

    /** The Vector API backend on {@code threads} threads (honours {@link RuntimeFlags#forceRef()}). */
    static Backend cpu(int threads) {
        return RuntimeFlags.CURRENT.forceRef() ? Ref.INSTANCE : new Cpu(Parallel.of(threads));
    }

    /**
     * The OpenCL backend on the process-wide context of the preferred device
     * ({@link ClContext#primary()}: the first GPU, else accelerator, else any device).
     *
     * @throws OpenClUnavailableException when no OpenCL loader, platform or device exists; the
     *                                    message says what was tried
     */
    static Backend opencl() {
        return new OpenCl(ClContext.primary());
    }

    /**
     * The CUDA backend on the process-wide context of CUDA device 0 ({@link CuContext#primary()}).
     *
     * @throws CudaUnavailableException when the driver, NVRTC or cuBLAS library or a device is
     *                                  missing; the message says what was tried
     */
    static Backend cuda() {
        return new Cuda(CuContext.primary());
    }

    /**
     * Parses a device name: {@code ref}, {@code cpu}, {@code opencl} or {@code cuda} ({@code threads} applies to
     * cpu). Other names are rejected with a message that says which devices this build provides.
     */
    static Backend parse(String device, int threads) {
        return switch (device.toLowerCase(java.util.Locale.ROOT)) {
            case "ref" -> ref();
            case "cpu" -> cpu(threads);
            case "opencl" -> opencl();
            case "cuda" -> cuda();
            default -> throw new IllegalArgumentException("unknown device '" + device
                    + "', expected ref, cpu, opencl or cuda");
        };
    }

    /** The scalar reference. */
    final class Ref implements Backend {
        static final Ref INSTANCE = new Ref();

        private Ref() {
        }

        @Override
        public String name() {
            return "ref";
        }

        @Override
        public int threads() {
            return 1;
        }

        @Override
        public String toString() {
            return "ref";
        }
    }

    /** Vector API kernels on a thread pool. */
    final class Cpu implements Backend {
        private final Parallel parallel;

        Cpu(Parallel parallel) {
            this.parallel = parallel;
        }

        /** The pool kernels split their work on. */
        public Parallel parallel() {
            return parallel;
        }

        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public int threads() {
            return parallel.threads();
        }

        @Override
        public void close() {
            parallel.close();
        }

        @Override
        public String toString() {
            return "cpu(" + parallel.threads() + " threads, " + Simd.describe() + ")";
        }
    }

    /**
     * A GPU device: ops run the portable kernels through {@link #context()} and keep tensors
     * resident there ({@link dev.ssam.runtime.gpu.GpuSession#in}); only what the host reads crosses.
     * Dispatch switches handle every member with one {@code case Backend.Gpu g}.
     */
    sealed interface Gpu extends Backend permits OpenCl, Cuda {
        /** The device ops run on. */
        GpuContext context();

        /** 1: one host thread drives the device. */
        @Override
        default int threads() {
            return 1;
        }

        /** Frees the device buffers cached by the context's pool; the shared context, its programs and resident copies stay. */
        @Override
        default void close() {
            context().trim();
        }
    }

    /**
     * Portable GPU kernels on one OpenCL device; the device's context, compiled programs, buffer
     * pool and resident tensor copies are shared by every instance ({@link ClContext#primary()}).
     * One host thread drives the device's queue, one op at a time.
     */
    final class OpenCl implements Gpu {
        private final ClContext context;

        OpenCl(ClContext context) {
            this.context = context;
        }

        /** The device context ops run on. */
        @Override
        public ClContext context() {
            return context;
        }

        @Override
        public String name() {
            return "opencl";
        }

        @Override
        public String toString() {
            return "opencl(" + context.device().describe() + ")";
        }
    }

    /**
     * Portable GPU kernels compiled by NVRTC, and matmuls on cuBLAS, on CUDA device 0; the device's
     * context, compiled modules, caching allocator and resident tensor copies are shared by every
     * instance ({@link CuContext#primary()}). One host thread drives the device's stream, one op at
     * a time.
     */
    final class Cuda implements Gpu {
        private final CuContext context;

        Cuda(CuContext context) {
            this.context = context;
        }

        /** The device context ops run on. */
        @Override
        public CuContext context() {
            return context;
        }

        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public String toString() {
            return "cuda(" + context.device().describe() + ")";
        }
    }
}
