package dev.ssam.tasks.debian;

import java.io.ByteArrayOutputStream;

/**
 * A Standard MIDI File (format 0) that plays single notes one after another on one General-MIDI
 * program: note {@code i} starts at {@code i * slotSeconds}, is held {@code holdSeconds} and then
 * released, so each slot holds one note and its release (NSynth's 4 s notes: 3 s held, 1 s
 * release). Tempo is the default 120 bpm at {@value #TICKS_PER_QUARTER} ticks a quarter note.
 *
 * <pre>{@code
 * byte[] mid = MidiNotes.sequence(0, new int[] {60, 64}, 4.0, 3.0, 100);   // piano C4, E4
 * }</pre>
 */
final class MidiNotes {
    static final int TICKS_PER_QUARTER = 480;
    /** 120 bpm: two quarter notes a second. */
    static final int TICKS_PER_SECOND = 2 * TICKS_PER_QUARTER;

    private MidiNotes() {
    }

    static byte[] sequence(int program, int[] notes, double slotSeconds, double holdSeconds, int velocity) {
        if (program < 0 || program > 127 || velocity < 1 || velocity > 127 || !(holdSeconds > 0 && holdSeconds <= slotSeconds)) {
            throw new IllegalArgumentException("midi: program " + program + ", velocity " + velocity + ", hold " + holdSeconds
                    + " s of a " + slotSeconds + " s slot are out of range");
        }
        ByteArrayOutputStream track = new ByteArrayOutputStream();
        event(track, 0, 0xC0, program);
        long now = 0;
        for (int i = 0; i < notes.length; i++) {
            if (notes[i] < 0 || notes[i] > 127) {
                throw new IllegalArgumentException("midi: note " + notes[i] + " is outside 0..127");
            }
            long on = Math.round(i * slotSeconds * TICKS_PER_SECOND);
            long off = Math.round((i * slotSeconds + holdSeconds) * TICKS_PER_SECOND);
            event(track, on - now, 0x90, notes[i], velocity);
            event(track, off - on, 0x80, notes[i], 0);
            now = off;
        }
        long end = Math.round(notes.length * slotSeconds * TICKS_PER_SECOND);
        varLength(track, end - now);
        track.write(0xFF);
        track.write(0x2F);
        track.write(0x00);
        byte[] body = track.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 0, 0, 1, (byte) (TICKS_PER_QUARTER >> 8), (byte) TICKS_PER_QUARTER});
        out.writeBytes(new byte[] {'M', 'T', 'r', 'k', (byte) (body.length >>> 24), (byte) (body.length >>> 16),
            (byte) (body.length >>> 8), (byte) body.length});
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void event(ByteArrayOutputStream t, long delta, int status, int... data) {
        varLength(t, delta);
        t.write(status);
        for (int d : data) {
            t.write(d);
        }
    }

    /** MIDI variable-length quantity: 7 bits a byte, high bit set on all but the last. */
    static void varLength(ByteArrayOutputStream t, long value) {
        for (int shift = (63 - Long.numberOfLeadingZeros(Math.max(value, 1))) / 7 * 7; shift > 0; shift -= 7) {
            t.write((int) (value >>> shift & 0x7F) | 0x80);
        }
        t.write((int) (value & 0x7F));
    }
}
