package dev.ssam.runtime;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadScratchTest {
    @Test
    void floatsAreReusedOnOneThreadAndGrowOnly() {
        ThreadScratch.Floats slot = new ThreadScratch.Floats();
        float[] a = slot.get(10);
        assertTrue(a.length >= 10);
        assertSame(a, slot.get(5), "a smaller request reuses the array");
        float[] b = slot.get(100);
        assertTrue(b.length >= 100);
        assertSame(b, slot.get(100));
    }

    @Test
    void floatsAreNotSharedBetweenThreads() throws InterruptedException {
        ThreadScratch.Floats slot = new ThreadScratch.Floats();
        float[] mine = slot.get(8);
        AtomicReference<float[]> theirs = new AtomicReference<>();
        Thread t = new Thread(() -> theirs.set(slot.get(8)));
        t.start();
        t.join();
        assertNotSame(mine, theirs.get());
    }

    @Test
    void valuesAreRemadeWhenTheyDoNotFit() {
        ThreadScratch<int[]> slot = new ThreadScratch<>();
        int[] a = slot.get(v -> v.length == 3, () -> new int[3]);
        assertSame(a, slot.get(v -> v.length == 3, () -> new int[3]));
        int[] b = slot.get(v -> v.length == 4, () -> new int[4]);
        assertNotSame(a, b);
        assertSame(b, slot.get(v -> v.length == 4, () -> new int[4]));
    }
}
