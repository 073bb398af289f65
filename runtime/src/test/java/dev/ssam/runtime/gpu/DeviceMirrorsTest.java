package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link DeviceMirrors} on two host-backed fake devices ({@link FakeGpu.Memory}): moving an array
 * from one device to another brings its newer contents back and frees the old copy, and the move
 * waits for the other device's lock without holding the registry's, so a session on that device
 * can go on registering its own tensors meanwhile (the lock order the class documents: a
 * context's lock before the registry's, never the other way).
 */
class DeviceMirrorsTest {
    /** How long a step that takes microseconds may take before the test calls it stuck. */
    private static final long STUCK_SECONDS = 5;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "device-mirrors-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** {@code DeviceMirrors.acquire} with the memory's lock held, as a session does it. */
    private static float[] acquireLocked(FakeGpu.Memory m, float[] a, boolean current, boolean writes) {
        m.lock().lock();
        try {
            return ((FakeGpu.Buffer) DeviceMirrors.acquire(m, a, current, writes)).data();
        } finally {
            m.lock().unlock();
        }
    }

    @Test
    void movingToAnotherDeviceBringsTheNewerContentsAlongAndFreesTheOldCopy() {
        FakeGpu.Memory first = new FakeGpu.Memory(new ReentrantLock());
        FakeGpu.Memory second = new FakeGpu.Memory(new ReentrantLock());
        float[] a = {1, 2, 3};
        float[] onFirst = acquireLocked(first, a, true, true);
        assertArrayEquals(new float[] {1, 2, 3}, onFirst);
        Arrays.fill(onFirst, 7f);                           // an op on the first device wrote it
        float[] onSecond = acquireLocked(second, a, true, false);
        assertArrayEquals(new float[] {7, 7, 7}, onSecond);
        assertArrayEquals(new float[] {7, 7, 7}, a);
        assertEquals(1, first.downloads().get());
        assertTrue(first.live().isEmpty(), "the first device's copy is freed");
        assertEquals(1, second.live().size());
        assertFalse(DeviceMirrors.deviceNewer(a));
    }

    /**
     * A prefetch takes the device's contents as they are when it is queued (the fake device has
     * finished all work by then) and counts one download; the next host read hands them over
     * without another, and a second prefetch of the same contents queues nothing.
     */
    @Test
    void aPrefetchedDownloadIsHandedOverByTheNextHostRead() {
        FakeGpu.Memory device = new FakeGpu.Memory(new ReentrantLock());
        float[] a = {1, 2, 3};
        Arrays.fill(acquireLocked(device, a, true, true), 4f);   // an op wrote it on the device
        DeviceMirrors.prefetch(a);
        DeviceMirrors.prefetch(a);
        assertEquals(1, device.downloads().get(), "one download for two prefetches");
        assertTrue(DeviceMirrors.deviceNewer(a), "the host array is not current before it is read");
        assertArrayEquals(new float[] {1, 2, 3}, a, "a prefetch writes nothing into the array by itself");
        DeviceMirrors.beforeHostRead(a);
        assertArrayEquals(new float[] {4, 4, 4}, a);
        assertFalse(DeviceMirrors.deviceNewer(a));
        DeviceMirrors.prefetch(a);
        DeviceMirrors.beforeHostRead(a);
        assertEquals(1, device.downloads().get(), "nothing to bring back once the host is current");
    }

    /**
     * An op that writes an array with a download still pending takes the download first (its
     * contents reach the host), so the device never overwrites what is being copied; the op's own
     * result then comes back with the next read.
     */
    @Test
    void anOpWritingAPrefetchedArrayFinishesTheDownloadFirst() {
        FakeGpu.Memory device = new FakeGpu.Memory(new ReentrantLock());
        float[] a = {1, 2};
        Arrays.fill(acquireLocked(device, a, true, true), 5f);
        DeviceMirrors.prefetch(a);
        float[] onDevice = acquireLocked(device, a, true, true);
        assertArrayEquals(new float[] {5, 5}, a, "the pending download reached the host before the op");
        Arrays.fill(onDevice, 6f);                                // the op's result
        assertTrue(DeviceMirrors.deviceNewer(a));
        DeviceMirrors.beforeHostRead(a);
        assertArrayEquals(new float[] {6, 6}, a);
        assertEquals(2, device.downloads().get());
    }

    /** Moving an array with a pending download to another device, or writing it on the host, takes the download first. */
    @Test
    void movingOrWritingAPrefetchedArrayTakesThePendingDownload() {
        FakeGpu.Memory first = new FakeGpu.Memory(new ReentrantLock());
        FakeGpu.Memory second = new FakeGpu.Memory(new ReentrantLock());
        float[] a = {1, 2};
        Arrays.fill(acquireLocked(first, a, true, true), 3f);
        DeviceMirrors.prefetch(a);
        assertArrayEquals(new float[] {3, 3}, acquireLocked(second, a, true, true));
        assertEquals(1, first.downloads().get(), "the move used the prefetched copy");
        assertTrue(first.live().isEmpty());
        Arrays.fill(second.live().getFirst().data(), 8f);
        DeviceMirrors.prefetch(a);
        DeviceMirrors.beforeHostWrite(a);
        assertArrayEquals(new float[] {8, 8}, a);
        assertEquals(1, second.downloads().get());
        assertFalse(DeviceMirrors.deviceNewer(a));
    }

    /**
     * Thread "on A" holds A's lock and moves an array that is resident on B, whose lock thread "on
     * B" holds while it registers another array. Were the registry's lock held while waiting for
     * B's (the inversion this guards against), "on B" would wait for the registry until "on A"
     * gave up (a 10 s bounded wait, then an exception); now "on B" finishes at once and "on A"
     * completes the move once B is free.
     */
    @Test
    void movingAnArrayDoesNotHoldTheRegistryWhileWaitingForTheOtherDevice() throws Exception {
        ReentrantLock lockB = new ReentrantLock();
        FakeGpu.Memory deviceA = new FakeGpu.Memory(new ReentrantLock());
        FakeGpu.Memory deviceB = new FakeGpu.Memory(lockB);
        float[] moved = {1, 2, 3, 4};
        float[] other = {5, 6};
        float[] onB = acquireLocked(deviceB, moved, true, true);
        Arrays.fill(onB, 9f);                               // device-newer on B

        CountDownLatch bLocked = new CountDownLatch(1);
        CountDownLatch bMayRegister = new CountDownLatch(1);
        CountDownLatch bRegistered = new CountDownLatch(1);
        CountDownLatch bMayFinish = new CountDownLatch(1);
        Future<float[]> sessionOnB = threads.submit(() -> {
            lockB.lock();
            try {
                bLocked.countDown();
                await(bMayRegister);
                float[] buffer = ((FakeGpu.Buffer) DeviceMirrors.acquire(deviceB, other, true, false)).data();
                bRegistered.countDown();
                await(bMayFinish);
                return buffer;
            } finally {
                lockB.unlock();
            }
        });
        await(bLocked);
        AtomicReference<Thread> onA = new AtomicReference<>();
        Future<float[]> sessionOnA = threads.submit(() -> {
            onA.set(Thread.currentThread());
            return acquireLocked(deviceA, moved, true, false);
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STUCK_SECONDS);
        while (onA.get() == null || !lockB.hasQueuedThread(onA.get())) {
            if (System.nanoTime() > deadline) {
                fail("the move never waited for device B's lock");
            }
            Thread.sleep(1);
        }
        bMayRegister.countDown();
        boolean registered = bRegistered.await(STUCK_SECONDS, TimeUnit.SECONDS);
        bMayFinish.countDown();
        assertTrue(registered, "the session on device B could not register its array while a move waited for B");
        assertArrayEquals(new float[] {5, 6}, sessionOnB.get(STUCK_SECONDS, TimeUnit.SECONDS));
        float[] onA2;
        try {
            onA2 = sessionOnA.get(STUCK_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the move did not finish once device B was free", e);
        }
        assertArrayEquals(new float[] {9, 9, 9, 9}, onA2);
        assertArrayEquals(new float[] {9, 9, 9, 9}, moved);
        assertEquals(1, deviceB.live().size(), "only B's copy of the other array is left there");
        assertSame(deviceA.live().getFirst().data(), onA2);
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(STUCK_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("a test thread did not reach its step within " + STUCK_SECONDS + " s");
        }
    }
}
