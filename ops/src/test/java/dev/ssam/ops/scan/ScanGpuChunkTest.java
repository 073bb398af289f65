package dev.ssam.ops.scan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU scan's tuning settings: {@code ssam.gpu.scanChunk} (checkpoint interval), {@code ssam.gpu.scanSplit}, {@code ssam.gpu.scanAhead}. */
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

    @Test
    void splitDefaultsTo1AndTakesWholeNumbersFrom1To8() {
        assertEquals(1, ScanGpu.split(null));
        assertEquals(4, ScanGpu.split("4"));
        assertEquals(8, ScanGpu.split(" 8"));
        for (String bad : new String[] {"0", "9", "four", "-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanGpu.split(bad));
            assertTrue(e.getMessage().contains("ssam.gpu.scanSplit is '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void aheadDefaultsTo8AndTakesWholeNumbersFrom1To16() {
        assertEquals(8, ScanGpu.ahead(null));
        assertEquals(1, ScanGpu.ahead("1"));
        assertEquals(16, ScanGpu.ahead(" 16 "));
        for (String bad : new String[] {"0", "17", "x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanGpu.ahead(bad));
            assertTrue(e.getMessage().contains("ssam.gpu.scanAhead is '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void fuseProjectionDefaultsToTrueAndTakesTrueOrFalse() {
        assertTrue(ScanGpu.fuseProjection(null));
        assertTrue(ScanGpu.fuseProjection(" true"));
        assertEquals(false, ScanGpu.fuseProjection("false"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanGpu.fuseProjection("no"));
        assertTrue(e.getMessage().contains("ssam.gpu.scanFuseProjection is 'no'"), e.getMessage());
    }
}
