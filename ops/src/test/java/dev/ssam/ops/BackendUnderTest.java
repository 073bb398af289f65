package dev.ssam.ops;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.params.provider.Arguments;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The backends an op's test suite runs its cases on (ggml's test-backend-ops: one op, every
 * backend, one harness, Ref as the oracle), each with the tolerances it is held to against Ref.
 *
 * <p>Parity suites take their parameters from {@link #againstRef()} or {@link #againstRef(List)};
 * golden suites from {@link #all()}, which adds Ref itself. {@link #CPU} is one shared two-thread
 * Vector API backend; {@link #OPENCL} is {@link OpenClFixture#backend()}, so a case on it skips with
 * a printed reason when no OpenCL device exists and fails under {@code CI=true}. Call
 * {@link #backend()} inside the test, never in a {@code @MethodSource}, so that skip stays per case.
 *
 * <pre>{@code
 * @ParameterizedTest(name = "{0} {1}")
 * @MethodSource("cases")   // BackendUnderTest.againstRef(ScanCase.parityCases())
 * void forwardMatchesRef(BackendUnderTest b, ScanCase c) {
 *     ...
 *     TensorCompare.assertClose(c + " out", expected, actual, b.vsRefReduction());
 * }
 * }</pre>
 */
public enum BackendUnderTest {
    /** The scalar oracle; only golden suites run it as a parameter. */
    REF,
    /** Vector API kernels on two threads. */
    CPU,
    /** The portable kernels on the OpenCL device (PoCL where no GPU exists). */
    OPENCL,
    /** The portable kernels through NVRTC and cuBLAS on CUDA device 0 (skipped where none exists). */
    CUDA;

    /** Created on first use and kept for the test JVM: pool threads are daemons. */
    private static final class CpuPool {
        static final Backend TWO_THREADS = Backend.cpu(2);
        static final Backend ONE_THREAD = Backend.cpu(1);
    }

    /** The backends checked against Ref. */
    public static Stream<BackendUnderTest> againstRef() {
        return Stream.of(CPU, OPENCL, CUDA);
    }

    /** Every backend, Ref included: the parameters of golden suites. */
    public static Stream<BackendUnderTest> all() {
        return Stream.of(values());
    }

    /** Every case on every backend checked against Ref, as (backend, case) arguments. */
    public static Stream<Arguments> againstRef(List<?> cases) {
        return againstRef().flatMap(b -> cases.stream().map(c -> Arguments.of(b, c)));
    }

    /** The backend to run on; for {@link #OPENCL} a skip (a failure under CI=true) without a device. */
    public Backend backend() {
        return switch (this) {
            case REF -> Backend.ref();
            case CPU -> CpuPool.TWO_THREADS;
            case OPENCL -> OpenClFixture.backend();
            case CUDA -> CudaFixture.backend();
        };
    }

    /** Tolerance against Ref for results computed element by element (or over short sums). */
    public Tolerance vsRef() {
        return switch (this) {
            case REF -> throw new IllegalStateException("Ref is the oracle; nothing is compared against it");
            case CPU -> Tolerance.CPU_VS_REF;
            case OPENCL, CUDA -> Tolerance.GPU_VS_REF;
        };
    }

    /** Tolerance against Ref for results of long reductions the backend reorders (GEMM, scan, norms). */
    public Tolerance vsRefReduction() {
        return switch (this) {
            case REF -> throw new IllegalStateException("Ref is the oracle; nothing is compared against it");
            case CPU -> Tolerance.CPU_VS_REF_REDUCTION;
            case OPENCL, CUDA -> Tolerance.GPU_VS_REF;
        };
    }

    /**
     * Compares a result the Cpu kernel computes in Ref's exact order (bitwise there) and other
     * backends in their own order (within {@link #vsRef()}).
     */
    public void assertMatchesRefBitwiseOnCpu(String name, Tensor expected, Tensor actual) {
        if (this == CPU) {
            TensorCompare.assertBitwiseEqual(name, expected, actual);
        } else {
            TensorCompare.assertClose(name, expected, actual, vsRef());
        }
    }

    /**
     * For {@link #CPU}: reruns {@code run} on one thread and asserts it gives {@code actual} bit for
     * bit (work is split statically, so the thread count must not change a bit). Other backends have
     * no thread count to vary and assert nothing.
     */
    public void assertSameOnOneThread(String name, Tensor actual, Function<Backend, Tensor> run) {
        if (this == CPU) {
            TensorCompare.assertBitwiseEqual(name + " cpu 1 vs 2 threads", run.apply(CpuPool.ONE_THREAD), actual);
        }
    }

    /** The one-thread Cpu backend, for the Cpu-only checks that compare thread counts. */
    public static Backend cpuOneThread() {
        return CpuPool.ONE_THREAD;
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
