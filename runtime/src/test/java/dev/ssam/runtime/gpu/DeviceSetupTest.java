package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeviceSetupTest {
    private static RuntimeException again(RuntimeException first) {
        return new IllegalStateException(first.getMessage(), first);
    }

    @Test
    void madeOnceAndKept() {
        AtomicInteger attempts = new AtomicInteger();
        DeviceSetup<Object> setup = new DeviceSetup<>(() -> {
            attempts.incrementAndGet();
            return new Object();
        }, DeviceSetupTest::again);
        Object first = setup.get();
        assertSame(first, setup.get());
        assertEquals(1, attempts.get());
    }

    @Test
    void aFailureIsKeptAndReportedAgainWithoutARetry() {
        AtomicInteger attempts = new AtomicInteger();
        DeviceSetup<Object> setup = new DeviceSetup<>(() -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("no device: libfake.so is missing");
        }, DeviceSetupTest::again);
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class, setup::get);
        IllegalStateException second = assertThrows(IllegalStateException.class, setup::get);
        IllegalStateException third = assertThrows(IllegalStateException.class, setup::get);
        assertEquals(1, attempts.get());
        assertEquals(first.getMessage(), second.getMessage());
        assertSame(first, second.getCause());
        assertSame(first, third.getCause());
    }

    @Test
    void anErrorIsNotKeptSoTheNextCallTriesAgain() {
        AtomicInteger attempts = new AtomicInteger();
        DeviceSetup<String> setup = new DeviceSetup<>(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new OutOfMemoryError("test");
            }
            return "device";
        }, DeviceSetupTest::again);
        assertThrows(OutOfMemoryError.class, setup::get);
        assertEquals("device", setup.get());
        assertEquals(2, attempts.get());
    }

    @Test
    void undoRunsTheReleaseAndKeepsItsFailureAsSuppressed() {
        RuntimeException failure = new IllegalStateException("cuStreamCreate failed");
        AtomicInteger released = new AtomicInteger();
        DeviceSetup.undo(failure, released::incrementAndGet);
        assertEquals(1, released.get());
        assertEquals(0, failure.getSuppressed().length);
        DeviceSetup.undo(failure, () -> {
            throw new IllegalStateException("cuDevicePrimaryCtxRelease failed");
        });
        assertEquals(1, failure.getSuppressed().length);
        assertEquals("cuDevicePrimaryCtxRelease failed", failure.getSuppressed()[0].getMessage());
        assertEquals("cuStreamCreate failed", failure.getMessage());
    }
}
