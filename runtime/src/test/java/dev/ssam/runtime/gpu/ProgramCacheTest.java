package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProgramCacheTest {
    private static final KernelSource SRC = new KernelSource("fake.cl", "KERNEL void k() {}", "0123456789abcdef");
    /** The same name and text under another hash: the key is the hash, not the name. */
    private static final KernelSource EDITED = new KernelSource("fake.cl", "KERNEL void k() { }", "fedcba9876543210");

    @Test
    void compilesEachSourceAndOptionStringOnce() {
        ProgramCache<FakeGpu.Program> cache = new ProgramCache<>();
        AtomicInteger compiles = new AtomicInteger();
        FakeGpu.Program a = cache.get(SRC, "-cl-std=CL1.2", () -> compile(compiles, SRC, "-cl-std=CL1.2"));
        assertSame(a, cache.get(SRC, "-cl-std=CL1.2", () -> compile(compiles, SRC, "-cl-std=CL1.2")));
        cache.get(SRC, "-cl-std=CL1.2 -DX=1", () -> compile(compiles, SRC, "-cl-std=CL1.2 -DX=1"));
        cache.get(EDITED, "-cl-std=CL1.2", () -> compile(compiles, EDITED, "-cl-std=CL1.2"));
        assertEquals(3, compiles.get());
        assertEquals(3, cache.size());
    }

    @Test
    void aFailedCompileLeavesNothingSoTheNextRequestCompilesAgain() {
        ProgramCache<FakeGpu.Program> cache = new ProgramCache<>();
        AtomicInteger compiles = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> cache.get(SRC, "", () -> {
            compiles.incrementAndGet();
            throw new IllegalStateException("build failed");
        }));
        assertEquals(0, cache.size());
        cache.get(SRC, "", () -> compile(compiles, SRC, ""));
        assertEquals(2, compiles.get());
        assertEquals(1, cache.size());
    }

    private static FakeGpu.Program compile(AtomicInteger compiles, KernelSource source, String options) {
        compiles.incrementAndGet();
        return new FakeGpu.Program(source, options);
    }
}
