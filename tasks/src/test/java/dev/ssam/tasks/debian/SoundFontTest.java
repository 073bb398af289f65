package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoundFontTest {
    @TempDir
    Path tmp;

    /**
     * A minimal SF2: {@code smpl} holds {@code frames} samples per name, sample k of name n being
     * (n * 1000 + k); the {@code shdr} list ends with its EOS record.
     */
    static byte[] soundFont(List<String> names, int frames, int rate) {
        int smplBytes = 2 * frames * names.size();
        int shdrBytes = 46 * (names.size() + 1);
        ByteBuffer b = ByteBuffer.allocate(12 + 12 + 8 + smplBytes + 12 + 8 + shdrBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.capacity() - 8).put("sfbk".getBytes(StandardCharsets.US_ASCII));
        b.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(4 + 8 + smplBytes).put("sdta".getBytes(StandardCharsets.US_ASCII));
        b.put("smpl".getBytes(StandardCharsets.US_ASCII)).putInt(smplBytes);
        for (int n = 0; n < names.size(); n++) {
            for (int k = 0; k < frames; k++) {
                b.putShort((short) (n * 1000 + k));
            }
        }
        b.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(4 + 8 + shdrBytes).put("pdta".getBytes(StandardCharsets.US_ASCII));
        b.put("shdr".getBytes(StandardCharsets.US_ASCII)).putInt(shdrBytes);
        for (int n = 0; n <= names.size(); n++) {
            byte[] name = new byte[20];
            byte[] text = (n < names.size() ? names.get(n) : "EOS").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, name, 0, text.length);
            b.put(name).putInt(n * frames).putInt(n * frames + frames).putInt(0).putInt(0).putInt(rate)
                    .put((byte) 60).put((byte) 0).putShort((short) 0).putShort((short) 1);
        }
        return b.array();
    }

    @Test
    void readsSampleHeadersAndPcm() throws IOException {
        Path f = tmp.resolve("kit.sf2");
        Files.write(f, soundFont(List.of("36-Kick-1", "38-Snare-1"), 50, 48_000));
        SoundFont sf = SoundFont.read(f);
        assertEquals(2, sf.samples().size());
        SoundFont.Sample snare = sf.samples().get(1);
        assertEquals("38-Snare-1", snare.name());
        AudioClip clip = sf.clip(snare);
        assertEquals(48_000, clip.sampleRate());
        assertEquals(50, clip.length());
        for (int k = 0; k < 50; k++) {
            assertEquals((1000 + k) / 32768f, clip.samples()[k], "sample " + k);
        }
    }

    @Test
    void rejectsOtherFilesAndBadBounds() throws IOException {
        Path f = tmp.resolve("x.sf2");
        Files.write(f, "RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.US_ASCII));
        assertTrue(assertThrows(AudioFormatException.class, () -> SoundFont.read(f)).getMessage().contains("not a SoundFont 2"));
        byte[] sf = soundFont(List.of("36-Kick-1"), 10, 44_100);
        ByteBuffer.wrap(sf).order(ByteOrder.LITTLE_ENDIAN).putInt(sf.length - 2 * 46 + 24, 999);
        Files.write(f, sf);
        assertTrue(assertThrows(AudioFormatException.class, () -> SoundFont.read(f)).getMessage().contains("bad bounds"));
    }
}
