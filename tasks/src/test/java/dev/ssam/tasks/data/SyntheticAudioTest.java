package dev.ssam.tasks.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticAudioTest {
    @Test
    void sameSeedGivesBitwiseSameClip() {
        for (SyntheticAudio.Sound s : SyntheticAudio.Sound.values()) {
            assertArrayEquals(SyntheticAudio.clip(s, 7, 8000), SyntheticAudio.clip(s, 7, 8000), s.name());
        }
    }

    @Test
    void differentSeedsGiveDifferentClips() {
        for (SyntheticAudio.Sound s : SyntheticAudio.Sound.values()) {
            assertFalse(java.util.Arrays.equals(SyntheticAudio.clip(s, 1, 8000), SyntheticAudio.clip(s, 2, 8000)), s.name());
        }
    }

    @Test
    void clipsAreBoundedAndAudible() {
        for (SyntheticAudio.Sound s : SyntheticAudio.Sound.values()) {
            float[] x = SyntheticAudio.clip(s, 3, 32000);
            assertEquals(32000, x.length);
            double peak = 0;
            for (float v : x) {
                assertTrue(Float.isFinite(v));
                peak = Math.max(peak, Math.abs(v));
            }
            assertTrue(peak <= 0.9 + 1e-6 && peak > 0.01, s + " peak " + peak);
        }
    }

    @Test
    void rejectsEmptyClip() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticAudio.clip(SyntheticAudio.Sound.KICK, 1, 0));
    }
}
