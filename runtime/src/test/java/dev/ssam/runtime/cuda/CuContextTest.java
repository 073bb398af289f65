package dev.ssam.runtime.cuda;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuStats;
import dev.ssam.runtime.gpu.KernelCache;
import dev.ssam.runtime.gpu.KernelSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA context on a real device: copies, launches (grid = ceil(items / local)), the module
 * cache, cuBLAS against a Java product, error messages. Every case but the first skips with a
 * printed reason where no CUDA device exists.
 */
class CuContextTest {
    private static final KernelSource SMOKE = KernelSource.load(CuContextTest.class, "cuda_smoke.cl");
    /** Dependent multiply-adds of the spin kernel: tens of milliseconds on one GPU thread. */
    private static final int SPIN_ITERATIONS = 20_000_000;
    private static boolean reported;

    private static synchronized CuContext cuda() {
        Optional<String> reason = CuContext.unavailableReason();
        if (reason.isPresent()) {
            if (!reported) {
                System.err.println("skipping CUDA tests: " + reason.get());
                reported = true;
            }
            assumeTrue(false, "no CUDA device: " + reason.get());
        }
        return CuContext.primary();
    }

    @Test
    void withoutADeviceTheReasonSaysWhatWasTried() {
        Optional<String> reason = CuContext.unavailableReason();
        if (reason.isEmpty()) {
            System.err.println("CUDA device present: " + CuContext.primary().describe());
            return;
        }
        assertTrue(reason.get().startsWith("CUDA: "), reason.get());
        assertThrows(CudaUnavailableException.class, CuContext::primary);
    }

    @Test
    void parseGivesTheCudaBackendOrSaysWhyNot() {
        if (CuContext.unavailableReason().isPresent()) {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> Backend.parse("CUDA", 4));
            assertTrue(e.getMessage().startsWith("CUDA: "), e.getMessage());
            return;
        }
        try (Backend b = Backend.parse("cuda", 4)) {
            assertTrue(b instanceof Backend.Cuda c && c.context() == CuContext.primary());
            assertEquals("cuda", b.name());
            assertEquals(1, b.threads());
        }
    }

    @Test
    void launchesOverWindowsAndCountsTraffic() {
        CuContext ctx = cuda();
        int n = 1000;
        float[] xs = new float[n + 5];
        float[] ys = new float[n + 3];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i * 0.5f;
        }
        for (int i = 0; i < ys.length; i++) {
            ys[i] = -i;
        }
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            want[i] = Math.fma(2f, xs[5 + i], ys[3 + i]);
        }
        Tensor x = Tensor.view(xs, 5, n);
        Tensor y = Tensor.view(ys, 3, n);
        ctx.resetStats();
        try (CuSession s = ctx.session("axpy")) {
            GpuProgram p = s.program(SMOKE, null);
            GpuBuffer xb = s.upload(x);
            GpuBuffer yb = s.upload(y);
            s.launch1d(p, "ssam_test_axpy", n, 128, yb, xb, 2f, n);
            s.download(yb, y);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(want[i], ys[3 + i], "y[" + i + "]");
        }
        assertEquals(0f, ys[0]);
        assertEquals(-2f, ys[2]);
        GpuStats st = ctx.stats();
        assertEquals(new GpuStats(2, 8L * n, 1, 4L * n, 1), st);
    }

    @Test
    void twoDimensionalGridRoundsUpToWholeBlocks() {
        CuContext ctx = cuda();
        int cols = 37;
        int rows = 5;
        Tensor out = Tensor.zeros(rows, cols);
        try (CuSession s = ctx.session("index2d")) {
            GpuProgram p = s.program(SMOKE, null);
            GpuBuffer ob = s.alloc(rows * cols);
            s.launch2d(p, "ssam_test_index2d", cols, rows, 16, 2, ob, cols, rows);
            s.download(ob, out);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertEquals(r * 1000 + c + 0.25f * 16 * 3, out.get(r, c), "out[" + r + ", " + c + "]");
            }
        }
        assertEquals(3, CuSession.grid(5, 2));
    }

    @Test
    void residentOutputComesBackOnHostRead() {
        CuContext ctx = cuda();
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 4);
        Tensor y = Tensor.of(new float[] {10, 20, 30, 40}, 4);
        try (CuSession s = ctx.session("axpy")) {
            GpuProgram p = s.program(SMOKE, null);
            s.launch1d(p, "ssam_test_axpy", 4, 64, s.inOut(y), s.in(x), 1f, 4);
        }
        assertEquals(11f, y.get(0));
        assertEquals(44f, y.get(3));
    }

    /**
     * A prefetch copies on the second stream after the op that wrote the array, while a later op
     * runs on the first; the read that follows takes that copy (one download), element by element.
     * Then an op writing the array again after a prefetch: the pending copy reaches the host first.
     */
    @Test
    void prefetchedResultComesBackWhileLaterWorkRuns() {
        CuContext ctx = cuda();
        int n = 1 << 20;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = (i % 1000) * 0.25f - 17f;
        }
        Tensor x = Tensor.of(xs, n);
        Tensor y = Tensor.zeros(n);
        Tensor z = Tensor.zeros(n);
        axpy(ctx, y, x, 2f);
        ctx.resetStats();
        y.prefetchToHost();
        axpy(ctx, z, x, 4f);
        axpy(ctx, z, x, 4f);
        assertEquals(1, ctx.stats().downloads());
        float[] ys = y.toArray();
        float[] zs = z.toArray();
        for (int i = 0; i < n; i++) {
            assertEquals(2f * xs[i], ys[i], "y[" + i + "]");
            assertEquals(8f * xs[i], zs[i], "z[" + i + "]");
        }
        assertEquals(2, ctx.stats().downloads());
        y.prefetchToHost();
        assertEquals(2, ctx.stats().downloads(), "nothing to copy once the host is current");
        axpy(ctx, y, x, 1f);
        y.prefetchToHost();
        axpy(ctx, y, x, 1f);
        assertEquals(3f * xs[n - 1], y.storage()[n - 1], "the pending copy reached the host before the op");
        assertEquals(4f * xs[n - 1], y.get(n - 1));
    }

    /**
     * Uploads queued behind a kernel that runs for tens of milliseconds, through more bytes than the
     * staging ring holds: a region the host fills again must wait for the copy that read it before
     * (still queued behind the kernel), or a device array would receive another array's values. A
     * first pass grows the ring to its size for these arrays and gives them their device buffers,
     * so nothing allocated (which may wait for the device) comes between the kernel and the uploads.
     */
    @Test
    void uploadsQueuedBehindRunningWorkKeepTheirValuesWhileTheStagingWraps() {
        CuContext ctx = cuda();
        ctx.trim();   // the staging ring starts again at its smallest: 1 MiB arrays make it 3 MiB
        int n = 1 << 18;
        int arrays = 8;
        Tensor[] xs = new Tensor[arrays];
        Tensor[] ys = new Tensor[arrays];
        for (int a = 0; a < arrays; a++) {
            xs[a] = Tensor.zeros(n);
            ys[a] = Tensor.zeros(n);
            axpy(ctx, ys[a], xs[a], 1f);   // warm-up: ring grown, device buffers made
        }
        for (Tensor y : ys) {
            assertEquals(0f, y.get(0));   // back on the host now, so the host writes below need no download
        }
        Tensor spin = Tensor.zeros(1);
        try (CuSession s = ctx.session("spin")) {
            GpuProgram p = s.program(SMOKE, null);
            s.launch1d(p, "ssam_test_spin", 1, 1, s.inOut(spin), SPIN_ITERATIONS);
        }
        long waitsBefore = ctx.stagingWaits();
        for (int a = 0; a < arrays; a++) {
            float[] x = xs[a].data();   // host writes: both arrays go up again, through the ring
            for (int i = 0; i < n; i++) {
                x[i] = a * 1000f + (i % 977);
            }
            ys[a].fill(0f);
            axpy(ctx, ys[a], xs[a], 1f);
        }
        assertTrue(ctx.stagingWaits() > waitsBefore, "16 MiB of uploads wrapped a ring of 3 MiB");
        for (int a = 0; a < arrays; a++) {
            TensorCompare.assertBitwiseEqual("y" + a, xs[a], ys[a]);
        }
        float x = 0f;
        for (int i = 0; i < SPIN_ITERATIONS; i++) {
            x = Math.fma(x, 0.999999f, 1e-7f);   // the kernel's recurrence, rounded as fmaf rounds it
        }
        assertEquals(x, spin.get(0), "the spin kernel ran");
    }

    /** y += a x on the device, y resident. */
    private static void axpy(CuContext ctx, Tensor y, Tensor x, float a) {
        try (CuSession s = ctx.session("axpy")) {
            GpuProgram p = s.program(SMOKE, null);
            s.launch1d(p, "ssam_test_axpy", y.size(), 128, s.inOut(y), s.in(x), a, y.size());
        }
    }

    @Test
    void modulesAreCachedBySourceAndDefines() {
        CuContext ctx = cuda();
        try (CuSession s = ctx.session("cache")) {
            GpuProgram a = s.program(SMOKE, null);
            int n = ctx.compiledPrograms();
            assertTrue(a == s.program(SMOKE, " "));
            GpuProgram b = s.program(SMOKE, "-DSSAM_TEST=1");
            assertTrue(a != b);
            assertEquals(n + 1, ctx.compiledPrograms());
        }
    }

    /**
     * The disk cache of compiled kernels: the first module is compiled and kept, the second comes
     * from the folder without NVRTC, and an entry that does not load (whole, but not PTX) is
     * compiled again and replaced; each module has its kernel.
     */
    @Test
    void modulesComeFromTheDiskCacheAndAnEntryThatDoesNotLoadIsCompiledAgain(@TempDir Path dir) {
        CuContext ctx = cuda();
        KernelCache cache = KernelCache.of(dir.toString());
        List<String> options = Nvrtc.options(ctx.device().arch(), "-DSSAM_TEST_CACHE=1");
        String key = KernelCache.key(SMOKE.text(), String.join(" ", options), "nvrtc " + ctx.device().nvrtcVersion());
        try (CuSession s = ctx.session("cache")) {
            long compiles = ctx.nvrtcCompiles();
            loadAndCheck(ctx, cache, options);
            assertEquals(compiles + 1, ctx.nvrtcCompiles(), "the first module is compiled");
            String ptx = cache.load(key).orElseThrow(() -> new AssertionError("the compiled PTX was not kept"));
            assertTrue(ptx.contains("ssam_test_axpy"), "the entry is the module's PTX");
            loadAndCheck(ctx, cache, options);
            assertEquals(compiles + 1, ctx.nvrtcCompiles(), "the second module came from the cache");
            cache.store(key, "this is not PTX\n");
            loadAndCheck(ctx, cache, options);
            assertEquals(compiles + 2, ctx.nvrtcCompiles(), "an entry that does not load is compiled again");
            assertEquals(ptx, cache.load(key).orElseThrow(), "and replaced");
        }
    }

    /** Loads the smoke module through {@code cache}, finds its kernel, unloads it. */
    private static void loadAndCheck(CuContext ctx, KernelCache cache, List<String> options) {
        java.lang.foreign.MemorySegment module = ctx.module(cache, SMOKE, options, "cache");
        assertTrue(!ctx.driver.function(module, "ssam_test_axpy", "cache").equals(java.lang.foreign.MemorySegment.NULL));
        ctx.driver.unloadModule(module, "cache");
    }

    @Test
    void compileErrorCarriesTheLogAndTheOp() {
        CuContext ctx = cuda();
        KernelSource broken = KernelSource.load(CuContextTest.class, "broken.cl");
        try (CuSession s = ctx.session("brokenOp")) {
            CudaException e = assertThrows(CudaException.class, () -> s.program(broken, null));
            assertTrue(e.getMessage().startsWith("brokenOp: nvrtcCompileProgram(broken.cl"), e.getMessage());
            assertTrue(e.getMessage().contains("NVRTC_ERROR_COMPILATION"), e.getMessage());
            assertTrue(e.getMessage().contains("undeclared_name"), e.getMessage());
        }
    }

    @Test
    void unknownKernelNamesTheCallAndTheOp() {
        CuContext ctx = cuda();
        try (CuSession s = ctx.session("someOp")) {
            GpuProgram p = s.program(SMOKE, null);
            CudaException e = assertThrows(CudaException.class, () -> s.launch1d(p, "no_such_kernel", 1, 1));
            assertTrue(e.getMessage().startsWith("someOp: cuModuleGetFunction(no_such_kernel) failed with CUDA_ERROR_"),
                    e.getMessage());
        }
    }

    @ParameterizedTest(name = "{5}: transA={0} transB={1} m={2} n={3} k={4}")
    @CsvSource({
        "false, false, 7, 17, 33, FP32",
        "false, true, 251, 1152, 192, FP32",
        "true, false, 33, 7, 17, FP32",
        "true, true, 1, 129, 5, FP32",
        "false, true, 251, 1152, 192, FP32_PEDANTIC",
        "true, false, 33, 7, 17, FP32_PEDANTIC",
    })
    void cublasSgemmMatchesTheRowMajorProduct(boolean transA, boolean transB, int m, int n, int k,
                                              Cublas.MathMode mode) {
        CuContext ctx = cuda();
        SplittableRandom rnd = new SplittableRandom(7L * m + n + k);
        int lda = (transA ? m : k) + 1;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 3;
        Tensor a = random(rnd, (transA ? k : m) * lda);
        Tensor b = random(rnd, (transB ? n : k) * ldb);
        Tensor c = random(rnd, m * ldc);
        Tensor expected = c.copy();
        float[] e = expected.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    acc += (transA ? a.get(p * lda + i) : a.get(i * lda + p))
                            * (transB ? b.get(j * ldb + p) : b.get(p * ldb + j));
                }
                e[i * ldc + j] = 0.5f * acc - 2f * e[i * ldc + j];
            }
        }
        assertEquals(CuContext.fp32Mode(), ctx.mathMode());
        ctx.mathMode(mode);
        try (CuSession s = ctx.session("sgemm")) {
            GpuBuffer cb = s.upload(c);
            s.sgemm(transA, transB, m, n, k, 0.5f, s.upload(a), lda, s.upload(b), ldb, -2f, cb, ldc);
            s.download(cb, c);
        } finally {
            ctx.mathMode(CuContext.fp32Mode());
        }
        TensorCompare.assertClose("C", expected, c, Tolerance.GPU_VS_REF);
    }

    private static Tensor random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return Tensor.of(x, n);
    }
}
