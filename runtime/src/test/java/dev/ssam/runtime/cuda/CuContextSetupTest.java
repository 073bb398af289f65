package dev.ssam.runtime.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link CuContext#primary()} reports a failed setup: once, kept, and thrown again the same way
 * to every later caller (same type and message, the first failure as cause). The first case runs
 * where no CUDA driver is installed (CI); on a machine with a device it checks that the context
 * is kept instead.
 */
class CuContextSetupTest {

    @Test
    void aFailedSetupIsReportedAgainTheSameWayWithoutARetry() {
        if (CuContext.unavailableReason().isEmpty()) {
            assertSame(CuContext.primary(), CuContext.primary());
            return;
        }
        CudaUnavailableException a = assertThrows(CudaUnavailableException.class, CuContext::primary);
        CudaUnavailableException b = assertThrows(CudaUnavailableException.class, CuContext::primary);
        assertEquals(a.getMessage(), b.getMessage());
        assertTrue(a.getMessage().startsWith("CUDA: "), a.getMessage());
        Throwable first = b.getCause();
        assertNotNull(first, "a later call carries the first failure as its cause");
        assertTrue(first == a || first == a.getCause(), "both calls report the same first failure");
    }

    @Test
    void laterCallsGetTheFirstFailureAgainWithItsTypeMessageAndCode() {
        CudaUnavailableException missing = new CudaUnavailableException("CUDA: cannot load the CUDA driver library",
                null);
        RuntimeException again = CuContext.again(missing);
        assertInstanceOf(CudaUnavailableException.class, again);
        assertEquals(missing.getMessage(), again.getMessage());
        assertSame(missing, again.getCause());

        CudaException retain = new CudaException("cuda", "cuDevicePrimaryCtxRetain", 2, "CUDA_ERROR_OUT_OF_MEMORY",
                null);
        CudaException failed = assertInstanceOf(CudaException.class, CuContext.again(retain));
        assertEquals("cuda: cuDevicePrimaryCtxRetain failed with CUDA_ERROR_OUT_OF_MEMORY (2)", failed.getMessage());
        assertEquals(2, failed.code());
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", failed.errorName());
        assertSame(retain, failed.getCause());

        IllegalArgumentException odd = new IllegalArgumentException("bad layout");
        RuntimeException wrapped = CuContext.again(odd);
        assertInstanceOf(IllegalStateException.class, wrapped);
        assertTrue(wrapped.getMessage().startsWith("CUDA: setting up device 0 failed earlier: "), wrapped.getMessage());
        assertTrue(wrapped.getMessage().contains("bad layout"), wrapped.getMessage());
        assertSame(odd, wrapped.getCause());
    }
}
