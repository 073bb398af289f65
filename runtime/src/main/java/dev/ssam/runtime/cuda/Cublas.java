package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.DeviceSetup;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Hand-written Panama FFM downcalls into cuBLAS ({@code libcublas.so}): one handle bound to one
 * stream, its math mode, and single-precision GEMM on row-major operands. Every call is checked;
 * a failure throws {@link CudaException} naming the op, the call and the {@code cublasStatus_t}.
 *
 * <h2>Row-major operands on a column-major library</h2>
 * cuBLAS follows Fortran BLAS: matrices are column-major. A row-major matrix {@code X} of
 * {@code (r, c)} with row stride {@code ld} occupies exactly the same memory as the column-major
 * matrix {@code X^T} of {@code (c, r)} with leading dimension {@code ld}. So the row-major product
 * {@code C = op(A) op(B)}, {@code C: (m, n)}, is the column-major product
 * {@code C^T = op(B)^T op(A)^T}, {@code C^T: (n, m)}, on the same buffers: cuBLAS gets B first and
 * A second, {@code m} and {@code n} exchanged, each operand keeps its own transpose flag and
 * leading dimension ({@link #rowMajor}):
 *
 * <pre>
 *   row-major (Gemm's contract)                 cublasSgemm_v2 arguments
 *   transA, transB                        ->   transa = transB ? T : N,  transb = transA ? T : N
 *   m, n, k                               ->   m' = n,  n' = m,  k' = k
 *   A, lda                                ->   second operand (B', ldb' = lda)
 *   B, ldb                                ->   first operand  (A', lda' = ldb)
 *   C, ldc                                ->   C, ldc
 * </pre>
 *
 * Why the flags carry over: B stored row-major {@code (k, n)} reads as column-major {@code (n, k)},
 * which is already {@code op(B)^T} ({@code N}); B stored {@code (n, k)} for {@code transB} reads
 * as {@code (k, n)} = {@code B}, whose transpose is wanted ({@code T}). A likewise.
 *
 * <h2>Math mode</h2>
 * {@link MathMode#FP32} by default ({@code CUBLAS_DEFAULT_MATH}): full fp32 multiplies and sums,
 * cuBLAS free to pick its fastest fp32 kernels, split-K included. cuBLAS's default mode keeps at
 * least the requested precision, so single-precision products never go to TF32 tensor cores in it
 * (the fp32 emulation newer cuBLAS versions offer on Blackwell GPUs needs an opt-in, a math mode or
 * an environment variable, and is meant to keep fp32 accuracy). Results are within
 * {@code Tolerance.GPU_VS_REF} of the Java reference and the same bits run to run on one GPU model.
 * {@link MathMode#FP32_PEDANTIC} ({@code CUBLAS_PEDANTIC_MATH}, through
 * {@code -Dssam.gpu.pedanticGemm=true}) restricts cuBLAS to its standardized-arithmetic kernels, for
 * comparison. {@link MathMode#TF32} is an explicit opt-in: about 7x the throughput on an H100, with
 * products rounded to a 10-bit mantissa.
 */
public final class Cublas {
    static final int CUBLAS_STATUS_SUCCESS = 0;
    static final int CUBLAS_OP_N = 0;
    static final int CUBLAS_OP_T = 1;
    private static final Linker LINKER = Linker.nativeLinker();

    /** The math modes offered ({@code cublasMath_t} values). */
    public enum MathMode {
        /** {@code CUBLAS_DEFAULT_MATH}: full fp32 precision, cuBLAS's fastest fp32 kernels (the default). */
        FP32(0),
        /** {@code CUBLAS_PEDANTIC_MATH}: fp32 with standardized arithmetic only (for comparison). */
        FP32_PEDANTIC(2),
        /** {@code CUBLAS_TF32_TENSOR_OP_MATH}: fp32 GEMMs on TF32 tensor cores (explicit opt-in). */
        TF32(3);

        final int value;

        MathMode(int value) {
            this.value = value;
        }
    }

    /**
     * The arguments of one column-major {@code cublasSgemm_v2} call (see the class comment).
     *
     * @param transFirst  {@code transa}: transpose the first operand
     * @param transSecond {@code transb}: transpose the second operand
     * @param m           rows of the column-major result
     * @param n           columns of the column-major result
     * @param k           the reduction length
     * @param ldFirst     {@code lda}: leading dimension of the first operand
     * @param ldSecond    {@code ldb}: leading dimension of the second operand
     * @param ldc         leading dimension of the result
     */
    public record ColumnMajorCall(boolean transFirst, boolean transSecond, int m, int n, int k,
                                  int ldFirst, int ldSecond, int ldc) {
    }

    /**
     * The column-major call computing the row-major {@code C (m, n) = op(A) (m, k) * op(B) (k, n)}:
     * its first operand is B, its second A.
     */
    public static ColumnMajorCall rowMajor(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb,
                                           int ldc) {
        return new ColumnMajorCall(transB, transA, n, m, k, ldb, lda, ldc);
    }

    /** The library actually opened (for messages). */
    final String library;
    private final MethodHandle create;
    private final MethodHandle destroy;
    private final MethodHandle setStream;
    private final MethodHandle setMathMode;
    private final MethodHandle sgemm;
    private final MethodHandle sgemmStridedBatched;

    private Cublas(String library, SymbolLookup lib) {
        this.library = library;
        create = bind(lib, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = bind(lib, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = bind(lib, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setMathMode = bind(lib, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        sgemm = bind(lib, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        sgemmStridedBatched = bind(lib, "cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG,
                JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new CudaUnavailableException(
                "CUDA: the cuBLAS library lacks " + name + " (cuBLAS 12 or later is required)", null));
        return LINKER.downcallHandle(symbol, fd);
    }

    /**
     * Opens cuBLAS ({@link CudaLibraries}).
     *
     * @throws CudaUnavailableException when the library cannot be opened or is too old
     */
    public static Cublas load() {
        CudaLibraries.Opened lib = CudaLibraries.open(CudaLibraries.Library.CUBLAS);
        return new Cublas(lib.name(), lib.lookup());
    }

    /** The symbolic name of a {@code cublasStatus_t}. */
    public static String statusName(int status) {
        return switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "CUBLAS_STATUS_" + status;
        };
    }

    private static void check(int status, String op, String call) {
        if (status != CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(op, call, status, statusName(status), null);
        }
    }

    /**
     * A handle (in the calling thread's current context) whose work goes to {@code stream}, in
     * {@code mode}; when setting it up fails the handle is destroyed again.
     */
    MemorySegment create(MemorySegment stream, MathMode mode, String op) {
        MemorySegment handle;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) create.invokeExact(v), op, "cublasCreate_v2");
            handle = v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
        try {
            check((int) setStream.invokeExact(handle, stream), op, "cublasSetStream_v2");
            mathMode(handle, mode, op);
            return handle;
        } catch (Throwable t) {
            RuntimeException e = CuDriver.rethrow(t);
            DeviceSetup.undo(e, () -> destroy(handle, op));
            throw e;
        }
    }

    /** Sets the handle's math mode. */
    void mathMode(MemorySegment handle, MathMode mode, String op) {
        try {
            check((int) setMathMode.invokeExact(handle, mode.value), op, "cublasSetMathMode(" + mode + ")");
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
    }

    void destroy(MemorySegment handle, String op) {
        try {
            check((int) destroy.invokeExact(handle), op, "cublasDestroy_v2");
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
    }

    /**
     * Queues the row-major {@code C = alpha op(A) op(B) + beta C} (Gemm's contract; device addresses
     * {@code a, b, c}) on the handle's stream, through {@link #rowMajor}.
     */
    void sgemm(MemorySegment handle, boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
               long b, int ldb, float beta, long c, int ldc, String op) {
        ColumnMajorCall g = rowMajor(transA, transB, m, n, k, lda, ldb, ldc);
        try (Arena arena = Arena.ofConfined()) {
            check((int) sgemm.invokeExact(handle, g.transFirst() ? CUBLAS_OP_T : CUBLAS_OP_N,
                    g.transSecond() ? CUBLAS_OP_T : CUBLAS_OP_N, g.m(), g.n(), g.k(), arena.allocateFrom(JAVA_FLOAT, alpha),
                    b, g.ldFirst(), a, g.ldSecond(), arena.allocateFrom(JAVA_FLOAT, beta), c, g.ldc()), op,
                    "cublasSgemm_v2(" + m + "x" + n + "x" + k + ")");
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
    }

    /**
     * {@link #sgemm} for {@code batch} products whose operands lie {@code strideA}, {@code strideB},
     * {@code strideC} floats apart ({@code cublasSgemmStridedBatched}; the strides swap with the operands).
     */
    void sgemmStridedBatched(MemorySegment handle, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             long a, int lda, long strideA, long b, int ldb, long strideB, float beta, long c, int ldc,
                             long strideC, int batch, String op) {
        ColumnMajorCall g = rowMajor(transA, transB, m, n, k, lda, ldb, ldc);
        try (Arena arena = Arena.ofConfined()) {
            check((int) sgemmStridedBatched.invokeExact(handle, g.transFirst() ? CUBLAS_OP_T : CUBLAS_OP_N,
                    g.transSecond() ? CUBLAS_OP_T : CUBLAS_OP_N, g.m(), g.n(), g.k(),
                    arena.allocateFrom(JAVA_FLOAT, alpha), b, g.ldFirst(), strideB, a, g.ldSecond(), strideA,
                    arena.allocateFrom(JAVA_FLOAT, beta), c, g.ldc(), strideC, batch), op,
                    "cublasSgemmStridedBatched(" + batch + " x " + m + "x" + n + "x" + k + ")");
        } catch (Throwable t) {
            throw CuDriver.rethrow(t);
        }
    }
}
