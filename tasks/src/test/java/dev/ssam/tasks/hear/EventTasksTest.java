package dev.ssam.tasks.hear;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventTasksTest {
    @TempDir
    Path tmp;

    @Test
    void syntheticEventTaskReadsBackWithEventsInsideClips() throws IOException {
        TaskSummary s = EventTasks.synthetic(tmp.resolve("ev"), 4, 1.0);
        HearTask t = HearTask.open(s.dir());
        assertTrue(t.isEvent());
        assertEquals(EventTasks.SYNTHETIC_NAME, t.name());
        assertEquals(EventTasks.METRICS, t.metadata().evaluation());
        assertEquals(5, t.splits().size());
        assertEquals(20, t.size());
        assertEquals(List.of("chirp_up", "harmonic_tone", "noise_bursts", "vowel"), t.labels());
        for (String split : t.splits()) {
            for (HearTask.Clip c : t.clips(split)) {
                assertTrue(c.events().size() >= 1 && c.events().size() <= 3, c.file() + ": " + c.events());
                double last = 0;
                for (HearTask.Event e : c.events()) {
                    assertTrue(e.startMs() >= last && e.startMs() < 1000 && e.endMs() > e.startMs() && e.endMs() <= 1000,
                            c.file() + ": " + e);
                    assertTrue(e.endMs() - e.startMs() <= 300, "a 0.3 s sound: " + e);
                    last = e.startMs();
                }
            }
        }
    }

    @Test
    void sameArgumentsGiveSameBytes() throws IOException {
        Path a = EventTasks.synthetic(tmp.resolve("a"), 3, 0.5).dir();
        Path b = EventTasks.synthetic(tmp.resolve("b"), 3, 0.5).dir();
        assertEquals(Files.readString(a.resolve("fold02.json")), Files.readString(b.resolve("fold02.json")));
        assertArrayEquals(Files.readAllBytes(a.resolve("16000/fold02/clip-f2-0001.wav")),
                Files.readAllBytes(b.resolve("16000/fold02/clip-f2-0001.wav")));
    }

    @Test
    void activeRangeSkipsLeadingAndTrailingSilence() {
        float[] x = new float[16_000];
        for (int i = 3_200; i < 4_800; i++) {
            x[i] = (float) Math.sin(i * 0.3);
        }
        EventTasks.Active r = EventTasks.activeRange(x);
        assertEquals(3_200, r.from());
        assertEquals(4_800, r.to());
        assertEquals(1.0f, r.peak(), 1e-3f);
    }

    @Test
    void rejectsEmptyFoldsAndTooFewFolds() {
        EventTasks.Options o = new EventTasks.Options("x", 1, 1.0, 2, 0L, "CC0");
        EventTasks.Source src = new EventTasks.Source("a", new float[800]);
        assertThrows(IllegalArgumentException.class, () -> EventTasks.mix(tmp.resolve("x"), List.of(List.of(src), List.of(src)),
                o, List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EventTasks.mix(tmp.resolve("y"), List.of(List.of(src), List.of(), List.of(src)), o, List.of()));
        assertTrue(e.getMessage().contains("fold 1 has no sources"), e.getMessage());
    }
}
