package dev.ssam.runtime;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {
    @Test
    void coversEveryIndexExactlyOnceOnGrainBoundaries() {
        for (int threads : new int[] {1, 2, 3, 7}) {
            try (Parallel p = Parallel.of(threads)) {
                for (int n : new int[] {1, 5, 16, 17, 100}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    p.forRange(n, 4, (from, to, worker) -> {
                        assertTrue(from % 4 == 0, "range start on a grain boundary");
                        assertTrue(worker >= 0 && worker < threads);
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "index " + i + " with " + threads + " threads, n " + n);
                    }
                }
            }
        }
    }

    @Test
    void rethrowsWorkerFailures() {
        try (Parallel p = Parallel.of(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forRange(10, (from, to, w) -> {
                if (from > 0) {
                    throw new IllegalStateException("boom " + from);
                }
            }));
            assertTrue(e.getMessage().startsWith("boom"));
        }
    }

    @Test
    void dynamicRunsEveryIndexOnceEachThreadInIncreasingOrder() {
        for (int threads : new int[] {1, 2, 3}) {
            try (Parallel p = Parallel.of(threads)) {
                for (int n : new int[] {1, 2, 8, 33}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    int[][] last = new int[threads][1];
                    for (int[] l : last) {
                        l[0] = -1;
                    }
                    p.forEachDynamic(n, (i, worker) -> {
                        assertTrue(worker >= 0 && worker < threads);
                        assertTrue(i > last[worker][0], "worker " + worker + " took " + i + " after " + last[worker][0]);
                        last[worker][0] = i;
                        hits.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "index " + i + " with " + threads + " threads, n " + n);
                    }
                }
            }
        }
    }

    @Test
    void dynamicRethrowsFailures() {
        try (Parallel p = Parallel.of(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forEachDynamic(10, (i, w) -> {
                if (i == 7) {
                    throw new IllegalStateException("boom " + i);
                }
            }));
            assertEquals("boom 7", e.getMessage());
        }
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.of(0));
    }
}
