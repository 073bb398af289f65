package dev.ssam.runtime.opencl;

import dev.ssam.runtime.gpu.DeviceSetup;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of the OpenCL layer that need no device: library discovery and setup errors, code names, versions. */
class ClApiTest {
    @Test
    void missingLibraryIsAClearMessage() {
        OpenClUnavailableException e = assertThrows(OpenClUnavailableException.class,
                () -> ClApi.load("/nonexistent/libOpenCL.so"));
        assertTrue(e.getMessage().contains("/nonexistent/libOpenCL.so"), e.getMessage());
        assertTrue(e.getMessage().contains("ssam.openclLibrary"), e.getMessage());
    }

    @Test
    void aFailedSetupIsReportedAgainTheSameWayWithoutARetry() {
        AtomicInteger attempts = new AtomicInteger();
        DeviceSetup<ClContext> setup = new DeviceSetup<>(() -> {
            attempts.incrementAndGet();
            return ClContext.open("/nonexistent/libOpenCL.so.1");
        }, ClContext::again);
        OpenClUnavailableException first = assertThrows(OpenClUnavailableException.class, setup::get);
        OpenClUnavailableException later = assertThrows(OpenClUnavailableException.class, setup::get);
        assertEquals(1, attempts.get());
        assertEquals(first.getMessage(), later.getMessage());
        assertTrue(first.getMessage().contains("/nonexistent/libOpenCL.so.1"), first.getMessage());
        assertSame(first, later.getCause());
    }

    @Test
    void aFailedCallOfTheSetupIsReportedAgainWithItsCode() {
        ClException queue = new ClException("opencl", "clCreateCommandQueue", -6, null);
        ClException again = assertInstanceOf(ClException.class, ClContext.again(queue));
        assertEquals("opencl: clCreateCommandQueue failed with CL_OUT_OF_HOST_MEMORY (-6)", again.getMessage());
        assertEquals(-6, again.code());
        assertSame(queue, again.getCause());
    }

    @Test
    void namesErrorCodes() {
        assertEquals("CL_INVALID_WORK_GROUP_SIZE", ClException.name(-54));
        assertEquals("CL_PLATFORM_NOT_FOUND_KHR", ClException.name(-1001));
        assertEquals("CL_ERROR_-999", ClException.name(-999));
    }

    @Test
    void readsThePlatformVersion() {
        assertTrue(ClApi.atLeast20("OpenCL 3.0 PoCL 3.1+debian"));
        assertTrue(ClApi.atLeast20("OpenCL 2.1 AMD-APP"));
        assertFalse(ClApi.atLeast20("OpenCL 1.2 CUDA 12.0"));
        assertFalse(ClApi.atLeast20("garbage"));
    }

    @Test
    void sizeClassesAreTheSharedPoolsFourPerPowerOfTwo() {
        assertEquals(ClBufferPool.MIN_BYTES, ClBufferPool.sizeClass(1));
        assertEquals(8192, ClBufferPool.sizeClass(4097));
        assertEquals(8192, ClBufferPool.sizeClass(8192));
        assertEquals(12288, ClBufferPool.sizeClass(8193));
    }
}
