package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StagingRing}: a region is handed out again only after the fences of the copies reading it
 * were awaited (or the queue drained), a batch never waits for the one just queued, growth and
 * fence-less regions wait, and nothing else does.
 */
class StagingRingTest {
    private static final long ALIGN = 256;
    private final List<Long> allocated = new ArrayList<>();
    private final List<MemorySegment> freed = new ArrayList<>();
    private int queueWaits;
    /** Ring memory at made-up addresses (nothing is read or written through them). */
    private final StagingRing ring = new StagingRing(bytes -> {
        allocated.add(bytes);
        return MemorySegment.ofAddress((1L << 40) * allocated.size()).reinterpret(bytes);
    }, freed::add, () -> queueWaits++, 4096, ALIGN);

    /** A fence that records whether it was awaited or released. */
    private static final class TestFence implements StagingRing.Fence {
        boolean awaited;
        boolean released;

        @Override
        public void await() {
            assertFalse(awaited || released, "a fence is settled once");
            awaited = true;
        }

        @Override
        public void release() {
            assertFalse(awaited || released, "a fence is settled once");
            released = true;
        }

        boolean settled() {
            return awaited || released;
        }
    }

    @Test
    void batchesOfOneSizeWithSmallUploadsBesideWaitOnlyForTheBatchTwoBefore() {
        long batch = 1 << 20;
        List<TestFence> big = new ArrayList<>();
        List<MemorySegment> regions = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            regions.add(ring.take(batch));
            TestFence f = new TestFence();
            ring.inFlight(f);
            big.add(f);
            if (k > 0) {
                assertFalse(big.get(k - 1).settled(), "batch " + k + " does not wait for the batch just queued");
            }
            for (int small = 0; small < 3; small++) {
                ring.take(1000 + small);
                ring.inFlight(new TestFence());
            }
        }
        assertEquals(List.of(StagingRing.SPAN * batch), allocated, "the ring holds " + StagingRing.SPAN + " batches");
        assertTrue(big.get(0).awaited, "the ring was reused");
        assertDisjoint(regions.get(10), regions.get(11));
        assertEquals(0, queueWaits);
    }

    @Test
    void aNewRegionWaitsForEveryRegionItOverlapsNotOnlyTheOldest() {
        TestFence[] f = new TestFence[8];
        long[] sizes = {1280, 1280, 1280, 256, 1024, 1280, 1280};
        for (int i = 0; i < sizes.length; i++) {
            ring.take(sizes[i]);
            f[i] = new TestFence();
            ring.inFlight(f[i]);
        }
        // live now: [3840, 4096) (the oldest), [0, 1024), [1024, 2304), [2304, 3584); the next wraps to 0
        assertEquals(4, ring.live());
        assertFalse(f[3].settled() || f[4].settled());
        MemorySegment r = ring.take(768);
        assertTrue(f[4].awaited, "[0, 1024) overlaps the new region although the oldest live region does not");
        assertTrue(f[3].awaited, "oldest first");
        assertFalse(f[5].settled());
        assertEquals(allocatedBase(), r.address());
    }

    @Test
    void growsToThreeTimesTheLargestRegionAfterAwaitingTheCopiesStillReadingTheOldMemory() {
        ring.take(100);
        TestFence small = new TestFence();
        ring.inFlight(small);
        assertEquals(List.of(4096L), allocated, "the smallest size first");
        ring.take(1200);
        TestFence fits = new TestFence();
        ring.inFlight(fits);
        assertEquals(1, allocated.size(), "1280 bytes fit three times in 4096");
        MemorySegment big = ring.take(1400);
        assertTrue(small.awaited && fits.awaited, "the old memory is freed only after its copies ended");
        assertEquals(List.of(4096L, 8192L), allocated, "doubled: three times 1536 is less");
        assertEquals(1, freed.size());
        assertEquals(4096, freed.get(0).byteSize());
        assertEquals(1400, big.byteSize());
        ring.inFlight(new TestFence());
        ring.take(10_000);
        assertEquals(30_720L, allocated.get(2), "three times the aligned 10240");
        assertEquals(0, queueWaits, "awaiting the fences is enough; the queue is not waited for");
    }

    @Test
    void whenTheHostRefusesThreeRegionsTheRingHoldsOneAndGoesOnWaiting() {
        List<Long> asked = new ArrayList<>();
        StagingRing small = new StagingRing(bytes -> {
            asked.add(bytes);
            if (bytes > 5000) {
                throw new IllegalStateException("cuMemAllocHost: out of memory");
            }
            return MemorySegment.ofAddress(1L << 40).reinterpret(bytes);
        }, m -> { }, () -> queueWaits++, 4096, ALIGN);
        TestFence first = new TestFence();
        small.take(2000);
        small.inFlight(first);
        assertEquals(List.of(6144L, 4096L), asked, "three regions refused, then the smallest size");
        TestFence second = new TestFence();
        small.take(2000);
        small.inFlight(second);
        small.take(2000);                          // wraps onto the first region: waits for it
        assertTrue(first.awaited);
        assertFalse(second.settled());
        assertEquals(List.of(6144L, 4096L), asked, "no second try at a size refused before");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> small.take(9000));
        assertEquals("cuMemAllocHost: out of memory", e.getMessage());
        assertEquals(List.of(6144L, 4096L, 9216L), asked, "past the refused size only the region itself is asked");
        StagingRing none = new StagingRing(bytes -> {
            throw new IllegalStateException("refused " + bytes);
        }, m -> { }, () -> { }, 4096, ALIGN);
        IllegalStateException both = assertThrows(IllegalStateException.class, () -> none.take(2000));
        assertEquals("refused 4096", both.getMessage());
        assertEquals("refused 6144", both.getSuppressed()[0].getMessage(), "the larger refusal travels with it");
    }

    @Test
    void aRegionWhoseFenceWasNeverSetIsWaitedForWithTheWholeQueue() {
        MemorySegment a = ring.take(1200);      // the copy "failed": no fence
        List<TestFence> later = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            assertDisjoint(a, ring.take(1200));
            TestFence f = new TestFence();
            ring.inFlight(f);
            later.add(f);
        }
        assertEquals(0, queueWaits);
        ring.take(1200);                         // wraps onto the fence-less region
        assertEquals(1, queueWaits);
        for (TestFence f : later) {
            assertTrue(f.released, "after the queue was waited for every fence is given up unawaited");
        }
        assertEquals(1, ring.live(), "only the new region is live");
    }

    @Test
    void aFailedWaitLeavesTheRegionReserved() {
        ring.take(1200);
        ring.inFlight(new StagingRing.Fence() {
            @Override
            public void await() {
                throw new IllegalStateException("device fault");
            }

            @Override
            public void release() {
            }
        });
        for (int i = 0; i < 2; i++) {
            ring.take(1200);
            ring.inFlight(new TestFence());
        }
        assertThrows(IllegalStateException.class, () -> ring.take(1200));
        assertEquals(3, ring.live(), "the region whose wait failed is still reserved");
    }

    @Test
    void drainedFreesEveryRegionWithoutWaiting() {
        List<TestFence> fences = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ring.take(300);
            TestFence f = new TestFence();
            ring.inFlight(f);
            fences.add(f);
        }
        ring.drained();
        for (TestFence f : fences) {
            assertTrue(f.released);
            assertFalse(f.awaited);
        }
        assertEquals(0, ring.live());
        TestFence next = new TestFence();
        ring.take(300);
        ring.inFlight(next);
        assertEquals(0, queueWaits);
    }

    @Test
    void noRegionHandedOutOverlapsOneWhoseCopyMayStillRun() {
        SplittableRandom rnd = new SplittableRandom(11);
        List<MemorySegment> regions = new ArrayList<>();
        List<TestFence> fences = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            if (rnd.nextInt(50) == 0) {
                ring.drained();
            }
            long bytes = rnd.nextInt(4) == 0 ? rnd.nextLong(1, 40_000) : rnd.nextLong(0, 3000);
            MemorySegment r = ring.take(bytes);
            assertEquals(bytes, r.byteSize());
            assertEquals(0, r.address() % ALIGN, "regions start aligned");
            long ringBase = allocatedBase();   // each ring memory lies 2^40 apart
            for (int j = 0; j < regions.size(); j++) {
                if (!fences.get(j).settled()) {
                    assertDisjoint(regions.get(j), r);
                }
            }
            TestFence f = new TestFence();
            ring.inFlight(f);
            regions.add(r);
            fences.add(f);
            assertTrue(r.address() + r.byteSize() <= ringBase + ring.size(), "inside the ring");
        }
        assertEquals(0, queueWaits, "every region had its fence");
        assertTrue(ring.waits() > 0, "the ring wrapped onto live regions");
    }

    @Test
    void clearWaitsForTheCopiesAndFreesTheMemory() {
        ring.take(100);
        TestFence f = new TestFence();
        ring.inFlight(f);
        ring.clear();
        assertTrue(f.awaited);
        assertEquals(1, freed.size());
        assertEquals(0, ring.size());
    }

    @Test
    void rejectsMisuseNamingTheProblem() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.inFlight(new TestFence()));
        assertEquals("StagingRing: inFlight without a region taken since the last fence", e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new StagingRing(b -> MemorySegment.NULL, m -> { }, () -> { }, 4096, 100));
        assertEquals("StagingRing: align is 100, expected a power of two", bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> ring.take(-1));
        assertEquals("StagingRing: bytes is -1, expected at least 0", bad.getMessage());
    }

    /** The address of the ring memory allocated last. */
    private long allocatedBase() {
        return (1L << 40) * allocated.size();
    }

    private static void assertDisjoint(MemorySegment a, MemorySegment b) {
        boolean overlap = a.address() < b.address() + Math.max(1, b.byteSize())
                && b.address() < a.address() + Math.max(1, a.byteSize());
        assertFalse(overlap, "regions overlap: [" + a.address() + ", +" + a.byteSize() + ") and ["
                + b.address() + ", +" + b.byteSize() + ")");
    }
}
