package dev.ssam.tasks.debian;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PitchTaskTest {
    @TempDir
    Path tmp;

    @Test
    void midiSequenceHasHeaderProgramAndNoteEvents() {
        byte[] mid = MidiNotes.sequence(5, new int[] {60, 64}, 4.0, 3.0, 100);
        assertEquals("MThd", new String(mid, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("MTrk", new String(mid, 14, 4, StandardCharsets.US_ASCII));
        int length = (mid[18] & 0xFF) << 24 | (mid[19] & 0xFF) << 16 | (mid[20] & 0xFF) << 8 | mid[21] & 0xFF;
        assertEquals(mid.length - 22, length);
        // delta 0, program change 5; delta 0, note on 60; delta 3 s = 2880 ticks (0x96 0x40), note off 60.
        assertArrayEquals(new byte[] {0, (byte) 0xC0, 5, 0, (byte) 0x90, 60, 100, (byte) 0x96, 0x40, (byte) 0x80, 60, 0},
                Arrays.copyOfRange(mid, 22, 34));
        assertArrayEquals(new byte[] {(byte) 0xFF, 0x2F, 0}, Arrays.copyOfRange(mid, mid.length - 3, mid.length));
    }

    @Test
    void variableLengthQuantitiesMatchTheStandard() {
        long[] values = {0, 0x7F, 0x80, 0x2000, 0x3FFF, 0x4000, 0x0FFFFFFF};
        byte[][] expected = {{0}, {0x7F}, {(byte) 0x81, 0}, {(byte) 0xC0, 0}, {(byte) 0xFF, 0x7F}, {(byte) 0x81, (byte) 0x80, 0},
            {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}};
        for (int i = 0; i < values.length; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MidiNotes.varLength(out, values[i]);
            assertArrayEquals(expected[i], out.toByteArray(), "value " + values[i]);
        }
    }

    @Test
    void everyPitchOccursAndEachProgramIsOneGroup() throws IOException {
        Path sf2 = tmp.resolve(PitchTask.SOUNDFONT);
        Files.createDirectories(sf2.getParent());
        Files.write(sf2, new byte[] {0});
        // A fake renderer: a sine per slot at the note's frequency, silent for notes above 90.
        PitchTask.Renderer sine = (font, midi) -> {
            int program = midi[22 + 2];
            int[] notes = PitchTask.notes(program);
            int n = (int) (PitchTask.SLOT_SECONDS * PitchTask.RATE);
            float[] out = new float[notes.length * n];
            for (int i = 0; i < notes.length; i++) {
                double hz = 440 * Math.pow(2, (notes[i] - 69) / 12.0);
                for (int k = 0; notes[i] <= 90 && k < n; k++) {
                    out[i * n + k] = (float) (0.5 * Math.sin(2 * Math.PI * hz * k / PitchTask.RATE));
                }
            }
            return out;
        };
        DebianTasks.Collected c = PitchTask.collect(tmp, false, sine, 6);
        Set<String> pitches = new HashSet<>();
        c.items().forEach(it -> pitches.add(it.label()));
        assertEquals(90 - PitchTask.LOW + 1, pitches.size(), "notes 24..90 each on some program; 91..96 silent");
        assertTrue(c.items().stream().allMatch(it -> it.group().equals("program " + it.name().substring(2, 5))));
        assertTrue(c.notes().getFirst().contains(" silent notes left out"), c.notes().toString());
        DebianTasks.Item first = c.items().getFirst();
        assertEquals(List.of("program 000", "gm000/note024", "24"), List.of(first.group(), first.name(), first.label()));
        assertEquals(64_000, first.audio().load().length());
        DebianTasks.Collected f = PitchTask.collect(tmp, true, sine, 9);
        assertEquals(Set.of("piano", "chromatic-percussion"), new HashSet<>(f.items().stream().map(DebianTasks.Item::label).toList()));
    }
}
