package dev.ssam.runtime.cuda;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelArgsTest {

    @Test
    void packsOnePointerPerArgumentToItsValue() {
        try (Arena a = Arena.ofConfined()) {
            CuBuffer buf = new CuBuffer(0x7f12_3456_7890L, 100);
            MemorySegment params = KernelArgs.pack(a, new Object[] {buf, 7, 2.5f, null, buf.window(3, 10)}, "k", "op");
            assertEquals(0x7f12_3456_7890L, value(params, 0).get(JAVA_LONG, 0));
            assertEquals(7, value(params, 1).get(JAVA_INT, 0));
            assertEquals(2.5f, value(params, 2).get(JAVA_FLOAT, 0));
            assertEquals(0L, value(params, 3).get(JAVA_LONG, 0));
            assertEquals(0x7f12_3456_7890L + 12, value(params, 4).get(JAVA_LONG, 0));
            assertEquals(0, value(params, 0).address() % 8);
        }
    }

    @Test
    void rejectsOtherArgumentTypesNamingOpKernelAndIndex() {
        try (Arena a = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KernelArgs.pack(a, new Object[] {1, 2L}, "scan_forward", "selectiveScan"));
            assertTrue(e.getMessage().startsWith("selectiveScan: kernel scan_forward argument 1 is a Long"),
                    e.getMessage());
        }
    }

    @Test
    void windowOutsideTheBufferIsRejected() {
        CuBuffer buf = new CuBuffer(4096, 10);
        assertThrows(IllegalArgumentException.class, () -> buf.window(5, 6));
        assertEquals(buf, buf.window(0, 10));
    }

    private static MemorySegment value(MemorySegment params, int i) {
        return params.getAtIndex(ADDRESS, i).reinterpret(8);
    }
}
