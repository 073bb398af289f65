package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferPoolTest {

    @Test
    void sizeClassesAreFourPerPowerOfTwoFromTheMinimum() {
        assertEquals(BufferPool.MIN_BYTES, BufferPool.sizeClass(1));
        assertEquals(BufferPool.MIN_BYTES, BufferPool.sizeClass(4096));
        assertEquals(8192, BufferPool.sizeClass(4097));
        assertEquals(12288, BufferPool.sizeClass(8193));
        assertEquals(20480, BufferPool.sizeClass(16385));
        assertEquals((1L << 30) + (1L << 28), BufferPool.sizeClass((1L << 30) + 1));
        assertEquals(1L << 31, BufferPool.sizeClass((1L << 30) + 3 * (1L << 28) + 1));
        long activations = 4L * 256 * 251 * 576;   // SSAM-Tiny (B, L, E) at batch 256: 148 MB
        assertEquals(5L << 25, BufferPool.sizeClass(activations), "168 MB, where a power of two took 256 MiB");
        for (long bytes = 1; bytes < 1L << 40; bytes = bytes * 3 + 7) {
            long c = BufferPool.sizeClass(bytes);
            assertTrue(c >= bytes && c <= Math.max(bytes * 1.25 + 1, bytes + BufferPool.MIN_BYTES), bytes + " -> " + c);
            assertEquals(c, BufferPool.sizeClass(c), "a class is its own class");
        }
    }

    @Test
    void aRefusedAllocationFreesTheWaitingBuffersAndTriesOnceMore() {
        FakeGpu.Pool pool = new FakeGpu.Pool(1 << 20);
        pool.capacity = 40_960;
        FakeGpu.Buffer a = pool.acquire(16384, "op");
        FakeGpu.Buffer b = pool.acquire(16384, "op");
        pool.release(a);
        pool.release(b);
        FakeGpu.Buffer c = pool.acquire(24576, "op");   // 32768 wait, 40960 fit: freed, then allocated
        assertEquals(24576 / Float.BYTES, c.floats());
        assertEquals(2, pool.freed.size());
        assertEquals(0, pool.freeBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.acquire(24576, "big"));
        assertEquals("big: out of device memory (24576 bytes asked, 24576 of 40960 in use)", e.getMessage(),
                "nothing waits: the device's refusal as it is");
        pool.release(c);
        FakeGpu.Buffer d = pool.acquire(4096, "op");
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> pool.acquire(40_960, "huge"));
        assertEquals(1, again.getSuppressed().length, "the first refusal travels with the second");
        assertEquals(4096 / Float.BYTES, d.floats());
    }

    @Test
    void aReleasedBufferIsHandedOutAgainForItsSizeClass() {
        FakeGpu.Pool pool = new FakeGpu.Pool(1 << 20);
        FakeGpu.Buffer a = pool.acquire(5000, "op");
        assertEquals(8192 / Float.BYTES, a.floats());
        assertEquals(8192, pool.liveBytes());
        pool.release(a);
        assertEquals(0, pool.liveBytes());
        assertEquals(8192, pool.freeBytes());
        assertSame(a, pool.acquire(8000, "op"));
        assertEquals(1, pool.allocations);
        pool.acquire(100, "op");
        assertEquals(2, pool.allocations, "another size class allocates");
    }

    @Test
    void releasesBeyondTheCapAreFreed() {
        FakeGpu.Pool pool = new FakeGpu.Pool(8192);
        FakeGpu.Buffer a = pool.acquire(8192, "op");
        FakeGpu.Buffer b = pool.acquire(4096, "op");
        pool.release(a);
        pool.release(b);
        assertEquals(8192, pool.freeBytes());
        assertEquals(1, pool.freed.size());
        assertSame(b, pool.freed.getFirst());
    }

    @Test
    void residentCopiesAreCountedApartAndTrimFreesWhatWaits() {
        FakeGpu.Pool pool = new FakeGpu.Pool(1 << 20);
        FakeGpu.Buffer r = pool.acquireResident(10_000, "residency");
        assertEquals(12288, pool.residentBytes());
        assertEquals(0, pool.liveBytes());
        pool.releaseResident(r);
        assertEquals(0, pool.residentBytes());
        assertEquals(12288, pool.freeBytes());
        pool.trim();
        assertEquals(0, pool.freeBytes());
        assertSame(r, pool.freed.getFirst());
    }
}
