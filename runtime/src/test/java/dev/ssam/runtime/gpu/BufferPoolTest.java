package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class BufferPoolTest {

    @Test
    void sizeClassesArePowersOfTwoFromTheMinimum() {
        assertEquals(BufferPool.MIN_BYTES, BufferPool.sizeClass(1));
        assertEquals(BufferPool.MIN_BYTES, BufferPool.sizeClass(4096));
        assertEquals(8192, BufferPool.sizeClass(4097));
        assertEquals(1L << 31, BufferPool.sizeClass((1L << 30) + 1));
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
        assertEquals(16384, pool.residentBytes());
        assertEquals(0, pool.liveBytes());
        pool.releaseResident(r);
        assertEquals(0, pool.residentBytes());
        assertEquals(16384, pool.freeBytes());
        pool.trim();
        assertEquals(0, pool.freeBytes());
        assertSame(r, pool.freed.getFirst());
    }
}
