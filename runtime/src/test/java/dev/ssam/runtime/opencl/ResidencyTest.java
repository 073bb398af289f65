package dev.ssam.runtime.opencl;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.DeviceMirrors;
import dev.ssam.runtime.gpu.GpuStats;
import dev.ssam.runtime.gpu.KernelSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tensor residency on the OpenCL device ({@link dev.ssam.runtime.gpu.Residency} over
 * {@link DeviceMirrors}): a chain of kernels moves each input once and the result only when the
 * host reads it; host writes are uploaded again; windows at an offset read and write only their
 * elements; the transfer counters see exactly those copies.
 */
class ResidencyTest {
    private static final KernelSource SMOKE = KernelSource.load(ResidencyTest.class, "smoke.cl");
    private ClContext cl;

    @BeforeEach
    void device() {
        Optional<String> reason = ClContext.unavailableReason();
        if (reason.isPresent()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true requires an OpenCL device: " + reason.get());
            }
            assumeTrue(false, reason.get());
        }
        cl = ClContext.primary();
    }

    /** y = a x (+ bias) on the device, through the resident copies. */
    private void axpb(Tensor x, Tensor bias, Tensor y, float a) {
        try (ClSession s = cl.session("smoke")) {
            ClProgram p = s.program(SMOKE, null);
            s.launch1d(p, "smoke_axpb", y.size(), 64, s.in(x), s.in(bias), s.out(y), a, y.size());
        }
    }

    @Test
    void chainKeepsIntermediatesOnTheDevice() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5}, 5);
        Tensor y = Tensor.zeros(5);
        Tensor z = Tensor.zeros(5);
        cl.resetStats();
        axpb(x, null, y, 2f);
        axpb(y, x, z, 3f);
        axpb(y, x, z, 3f);
        GpuStats st = cl.stats();
        assertEquals(1, st.uploads(), "only x is uploaded: " + st);
        assertEquals(0, st.downloads(), "nothing is read yet: " + st);
        assertEquals(3, st.launches());
        assertTrue(DeviceMirrors.deviceNewer(z.storage()));
        assertArrayEquals(new float[] {7, 14, 21, 28, 35}, z.toArray());
        assertEquals(1, cl.stats().downloads());
        assertArrayEquals(new float[] {7, 14, 21, 28, 35}, z.toArray());
        assertEquals(1, cl.stats().downloads(), "a synced array is read without a copy");
    }

    @Test
    void hostWritesAreUploadedAgain() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor y = Tensor.zeros(3);
        axpb(x, null, y, 1f);
        x.set(10f, 0);
        axpb(x, null, y, 1f);
        assertArrayEquals(new float[] {10, 2, 3}, y.toArray());
        y.fill(-1f);
        axpb(y, null, x, 1f);
        assertArrayEquals(new float[] {-1, -1, -1}, x.toArray());
    }

    @Test
    void windowsAtAnOffsetTouchOnlyTheirElements() {
        float[] big = new float[10];
        for (int i = 0; i < big.length; i++) {
            big[i] = i;
        }
        Tensor in = Tensor.view(big, 2, 3);   // 2, 3, 4
        Tensor out = Tensor.view(big, 6, 3);  // elements 6..8 become 2 * (2, 3, 4)
        axpb(in, null, out, 2f);
        Tensor whole = Tensor.of(big, 10);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 4, 6, 8, 9}, whole.toArray());
    }

    /**
     * A prefetched result (one download, on the second queue, after the op that wrote it) comes
     * back element by element while a later op on the first queue writes another array; the read
     * that follows waits for it without a second download.
     */
    @Test
    void prefetchedResultComesBackWhileLaterWorkRuns() {
        int n = 300_007;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = (i % 1000) * 0.25f - 17f;
        }
        Tensor x = Tensor.of(xs, n);
        Tensor y = Tensor.zeros(n);
        Tensor z = Tensor.zeros(n);
        axpb(x, null, y, 2f);
        cl.resetStats();
        y.prefetchToHost();
        y.prefetchToHost();
        axpb(x, null, z, 4f);
        assertEquals(1, cl.stats().downloads(), "one download for two prefetches");
        assertTrue(DeviceMirrors.deviceNewer(y.storage()), "y is current on the host only once read");
        float[] ys = y.toArray();
        float[] zs = z.toArray();
        for (int i = 0; i < n; i++) {
            assertEquals(2f * xs[i], ys[i], "y[" + i + "]");
            assertEquals(4f * xs[i], zs[i], "z[" + i + "]");
        }
        assertEquals(2, cl.stats().downloads(), "y's read took the prefetched copy, z's was one more");
    }

    /** An op writing an array whose download is pending lets the download finish first; its own result comes back after. */
    @Test
    void opWritingAPrefetchedArrayKeepsBothResults() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor y = Tensor.zeros(3);
        axpb(x, null, y, 2f);
        y.prefetchToHost();
        axpb(x, null, y, 5f);
        assertArrayEquals(new float[] {2, 4, 6}, y.storage(), "the pending download reached the host array first");
        assertArrayEquals(new float[] {5, 10, 15}, y.toArray());
    }

    @Test
    void prefetchOfAnArrayTheHostHoldsCurrentCopiesNothing() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor y = Tensor.zeros(3);
        axpb(x, null, y, 1f);
        cl.resetStats();
        x.prefetchToHost();
        Tensor.zeros(3).prefetchToHost();
        assertEquals(0, cl.stats().downloads());
    }
}
