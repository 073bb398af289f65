package dev.ssam.ops.scan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code ssam.gpu.scanChunk} setting of the GPU scan's checkpoint interval. */
class ScanGpuChunkTest {
    @Test
    void defaultsTo16AndTakesWholeNumbersFrom1To64() {
        assertEquals(16, ScanGpu.chunk(null));
        assertEquals(16, ScanGpu.chunk(" "));
        assertEquals(8, ScanGpu.chunk("8"));
        assertEquals(1, ScanGpu.chunk(" 1 "));
        assertEquals(64, ScanGpu.chunk("64"));
        for (String bad : new String[] {"0", "65", "-3", "eight", "8.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanGpu.chunk(bad));
            assertTrue(e.getMessage().contains("ssam.gpu.scanChunk is '" + bad + "'"), e.getMessage());
        }
    }
}
