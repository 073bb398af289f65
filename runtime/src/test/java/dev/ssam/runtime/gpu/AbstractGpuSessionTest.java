package dev.ssam.runtime.gpu;

import dev.ssam.runtime.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bookkeeping both GPU backends share ({@link AbstractGpuSession}, {@link AbstractGpuContext}),
 * on the host-backed {@link FakeGpu}: the lock is held from open to close, temporaries go back at
 * close, launch sizes round up to whole groups, transfers and launches are counted, programs are
 * cached by source and options, and misuse names the op.
 */
class AbstractGpuSessionTest {
    private static final KernelSource SRC = new KernelSource("fake.cl", "KERNEL void k() {}", "0123456789abcdef");

    @Test
    void holdsTheContextUntilClosedAndReturnsEveryTemporary() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        FakeGpu.Session s = ctx.session("op");
        assertTrue(ctx.lock.isHeldByCurrentThread());
        FakeGpu.Buffer a = s.alloc(0);
        FakeGpu.Buffer b = s.alloc(7);
        assertEquals(BufferPool.MIN_BYTES / Float.BYTES, a.floats(), "at least one float, in the smallest class");
        assertEquals(BufferPool.MIN_BYTES / Float.BYTES, b.floats());
        s.close();
        assertFalse(ctx.lock.isHeldByCurrentThread());
        assertEquals(0, ctx.pool.liveBytes(), "both temporaries went back to the pool");
        assertEquals(2, ctx.pool.freed.size(), "a pool of cap 0 frees what comes back");
        assertEquals(1, ctx.drains);
        s.close();
        assertEquals(2, ctx.pool.freed.size(), "a second close does nothing");
        assertEquals(1, ctx.drains);
    }

    @Test
    void aFailureRightAfterLockingReleasesTheContext() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new FakeGpu.Session(ctx, "op", () -> {
                    throw new IllegalStateException("cuCtxSetCurrent failed");
                }));
        assertEquals("cuCtxSetCurrent failed", e.getMessage());
        assertFalse(ctx.lock.isLocked());
    }

    @Test
    void closeReleasesTheContextEvenWhenTheDeviceFails() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        FakeGpu.Session s = ctx.session("op");
        ctx.failDrain = true;
        s.alloc(3);
        assertThrows(IllegalStateException.class, s::close);
        assertFalse(ctx.lock.isLocked());
        assertEquals(0, ctx.pool.liveBytes());
    }

    @Test
    void launchesCoverTheItemsWithWholeGroupsAndAreCounted() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        try (FakeGpu.Session s = ctx.session("op")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "k", 10, 4);
            s.launch2d(p, "k2", 37, 5, 16, 2);
            s.launch2d(p, "empty", 37, 0, 16, 2);
        }
        assertEquals(2, ctx.launches.size());
        assertEquals("k", ctx.launches.get(0).kernel());
        assertArrayEquals(new long[] {3}, ctx.launches.get(0).groups());
        assertArrayEquals(new long[] {3, 3}, ctx.launches.get(1).groups());
        assertEquals(2, ctx.stats().launches());
    }

    @Test
    void aGroupSizeBelowOneNamesTheOpKernelAndDimension() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        try (FakeGpu.Session s = ctx.session("someOp")) {
            GpuProgram p = s.program(SRC, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.launch2d(p, "k", 4, 4, 2, 0));
            assertEquals("someOp: kernel k group size 0 in dimension 1, expected > 0", e.getMessage());
        }
    }

    @Test
    void uploadsAndDownloadsMoveTensorWindowsAndAreCounted() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        float[] host = {0, 1, 2, 3, 4, 5, 6};
        float[] back = new float[6];
        try (FakeGpu.Session s = ctx.session("op")) {
            assertEquals(null, s.upload(null));
            FakeGpu.Buffer b = s.upload(Tensor.view(host, 2, 3));
            assertArrayEquals(new float[] {2, 3, 4}, java.util.Arrays.copyOf(b.data(), 3));
            s.download(b, Tensor.view(back, 1, 3));
        }
        assertArrayEquals(new float[] {0, 2, 3, 4, 0, 0}, back);
        assertEquals(new GpuStats(1, 12, 1, 12, 0), ctx.stats());
        ctx.resetStats();
        assertEquals(new GpuStats(0, 0, 0, 0, 0), ctx.stats());
    }

    @Test
    void aBufferOfAnotherDeviceNamesTheOpAndTheBackend() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        GpuBuffer foreign = () -> 4;
        try (FakeGpu.Session s = ctx.session("someOp")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.download(foreign, Tensor.zeros(4)));
            assertTrue(e.getMessage().startsWith("someOp: a buffer of another device ("), e.getMessage());
            assertTrue(e.getMessage().endsWith(") was passed to Fake"), e.getMessage());
            IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                    () -> s.download(null, Tensor.zeros(4)));
            assertEquals("someOp: a null buffer was passed to Fake", n.getMessage());
        }
    }

    @Test
    void programsAreCompiledOncePerSourceAndOptions() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        KernelSource other = new KernelSource("other.cl", "KERNEL void k() {}", "fedcba9876543210");
        try (FakeGpu.Session s = ctx.session("op")) {
            GpuProgram a = s.program(SRC, "-DX=1");
            assertSame(a, s.program(SRC, "-DX=1"));
            assertTrue(a != s.program(SRC, "-DX=2"));
            assertTrue(a != s.program(other, "-DX=1"));
        }
        assertEquals(3, ctx.compiledPrograms());
    }

    @Test
    void trimRunsUnderTheContextLock() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        ctx.trim();
        assertEquals(1, ctx.trims);
        assertFalse(ctx.lock.isLocked());
    }

    @Test
    void aProfileTimesEachLaunchAndSessionBetweenWaitsAndOnlyWhileStarted() {
        FakeGpu.Context ctx = new FakeGpu.Context();
        try (FakeGpu.Session s = ctx.session("before")) {
            s.launch1d(s.program(SRC, null), "k", 10, 4);
        }
        int drainsBefore = ctx.drains;
        ctx.startProfile();
        assertEquals(drainsBefore + 1, ctx.drains, "starting waits for the queued work");
        try (FakeGpu.Session s = ctx.session("op")) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "k", 10, 4);
            s.launch1d(p, "k", 10, 4);
            s.launch2d(p, "k2", 4, 4, 2, 2);
            s.in(Tensor.zeros(3));
        }
        ctx.recordHost("host op", "phase", 5_000L);
        assertEquals(drainsBefore + 1 + 3 * 2 + 2 + 1, ctx.drains,
                "a wait before and after each launch and residency call, one at close");
        java.util.List<GpuProfile.Entry> entries = ctx.stopProfile();
        java.util.Map<String, GpuProfile.Entry> byWhat = new java.util.HashMap<>();
        for (GpuProfile.Entry e : entries) {
            byWhat.put(e.op() + "/" + e.what(), e);
        }
        assertEquals(java.util.Set.of("op/k", "op/k2", "op/resident in", "op/" + GpuProfile.SESSION, "host op/phase"),
                byWhat.keySet());
        assertEquals(2, byWhat.get("op/k").calls());
        assertEquals(1, byWhat.get("op/k2").calls());
        assertEquals(5_000L, byWhat.get("host op/phase").nanos());
        GpuProfile.Entry session = byWhat.get("op/" + GpuProfile.SESSION);
        assertTrue(session.nanos() >= byWhat.get("op/k").nanos() + byWhat.get("op/k2").nanos(),
                "the session spans its launches");
        for (int i = 1; i < entries.size(); i++) {
            assertTrue(entries.get(i - 1).nanos() >= entries.get(i).nanos(), "most time first");
        }
        assertTrue(ctx.stopProfile().isEmpty(), "nothing is recorded once stopped");
        try (FakeGpu.Session s = ctx.session("after")) {
            s.launch1d(s.program(SRC, null), "k", 10, 4);
        }
        ctx.recordHost("host op", "phase", 1L);
        assertTrue(ctx.stopProfile().isEmpty());
    }
}
