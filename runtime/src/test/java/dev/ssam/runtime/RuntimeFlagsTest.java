package dev.ssam.runtime;

import dev.ssam.runtime.RuntimeFlags.ScanTuning;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RuntimeFlags}: the GPU scan's tuning settings parse their defaults, ranges and errors. */
class RuntimeFlagsTest {
    @Test
    void scanChunkDefaultsTo16AndTakesWholeNumbersFrom1To64() {
        assertEquals(16, ScanTuning.chunk(null));
        assertEquals(16, ScanTuning.chunk(" "));
        assertEquals(8, ScanTuning.chunk("8"));
        assertEquals(1, ScanTuning.chunk(" 1 "));
        assertEquals(64, ScanTuning.chunk("64"));
        for (String bad : new String[] {"0", "65", "-3", "eight", "8.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanTuning.chunk(bad));
            assertTrue(e.getMessage().contains("ssam.gpu.scanChunk is '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void scanSplitDefaultsTo1AndTakesWholeNumbersFrom1To8() {
        assertEquals(1, ScanTuning.split(null));
        assertEquals(4, ScanTuning.split("4"));
        assertEquals(8, ScanTuning.split(" 8"));
        for (String bad : new String[] {"0", "9", "four", "-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanTuning.split(bad));
            assertTrue(e.getMessage().contains("ssam.gpu.scanSplit is '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void scanAheadDefaultsTo8AndTakesWholeNumbersFrom1To16() {
        assertEquals(8, ScanTuning.ahead(null));
        assertEquals(1, ScanTuning.ahead("1"));
        assertEquals(16, ScanTuning.ahead(" 16 "));
        for (String bad : new String[] {"0", "17", "x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanTuning.ahead(bad));
            assertTrue(e.getMessage().contains("ssam.gpu.scanAhead is '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void scanFuseProjectionDefaultsToTrueAndTakesTrueOrFalse() {
        assertTrue(ScanTuning.fuseProjection(null));
        assertTrue(ScanTuning.fuseProjection(" true"));
        assertFalse(ScanTuning.fuseProjection("false"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScanTuning.fuseProjection("no"));
        assertTrue(e.getMessage().contains("ssam.gpu.scanFuseProjection is 'no'"), e.getMessage());
    }

    @Test
    void stageWindowsDefaultsTo128AndTakesAWholeNumberFrom1To4096() {
        assertEquals(128, RuntimeFlags.stageWindows(null));
        assertEquals(64, RuntimeFlags.stageWindows(" 64"));
        for (String bad : new String[] {"0", "4097", "many"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuntimeFlags.stageWindows(bad));
            assertEquals("ssam.gpu.stageWindows is '" + bad + "', expected a whole number from 1 to 4096", e.getMessage());
        }
    }

    @Test
    void booleanSettingsTakeTrueOrFalseAndNameThePropertyOtherwise() {
        assertTrue(RuntimeFlags.trueOrFalse("ssam.gpu.prefetch", null, true));
        assertFalse(RuntimeFlags.trueOrFalse("ssam.gpu.prefetch", " ", false));
        assertFalse(RuntimeFlags.trueOrFalse("ssam.gpu.prefetch", "false ", true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeFlags.trueOrFalse("ssam.gpu.prefetch", "off", true));
        assertEquals("ssam.gpu.prefetch is 'off', expected true or false", e.getMessage());
    }

    @Test
    void scanTuningRejectsOutOfRangeValuesNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ScanTuning(16, 9, 8, true));
        assertTrue(e.getMessage().contains("ssam.gpu.scanSplit is 9"), e.getMessage());
    }

    @Test
    void kernelCacheDefaultsToAFolderUnderTheHomeAndNoneTurnsItOff() {
        assertTrue(RuntimeFlags.defaultKernelCache().endsWith(java.nio.file.Path.of(".cache", "ssam", "kernels").toString()),
                RuntimeFlags.defaultKernelCache());
        RuntimeFlags off = new RuntimeFlags(0, false, "", "", "", new ScanTuning(16, 1, 8, true), true, 128, false,
                " none ");
        assertEquals("", off.gpuKernelCache());
    }
}
