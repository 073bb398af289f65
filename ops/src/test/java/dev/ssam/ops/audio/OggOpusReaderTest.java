package dev.ssam.ops.audio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ogg Opus decoding against libopus: the fixtures under src/test/resources/audio/ were encoded
 * with {@code opusenc --bitrate 48 tone44k.wav tone44k.opus} and {@code opusenc --bitrate 64
 * stereo16.wav stereo16.opus} (opus-tools 0.2, libopus 1.3.1) from this project's own WAV
 * fixtures, and decoded with {@code opusdec --float --rate 48000} into {@code *-opusdec.wav} (the
 * stereo one mixed to mono with {@code sox -c 1}).
 */
class OggOpusReaderTest {
    /** Concentus (16-bit output) against libopus 1.3.1's float output on a 1 kHz tone (measured 71.2 dB). */
    private static final double MIN_TONE_SNR_DB = 60.0;
    /** The same on the stereo noise-plus-sine fixture, mixed to mono (measured 73.9 dB). */
    private static final double MIN_NOISE_SNR_DB = 60.0;

    @Test
    void toneMatchesOpusdec() throws IOException {
        AudioClip ref = WavReader.decode(AudioFilesTest.resource("tone44k-opusdec.wav"), "ref");
        AudioClip opus = AudioFiles.decode(AudioFilesTest.resource("tone44k.opus"), "tone44k.opus");
        assertEquals(OggOpusReader.SAMPLE_RATE, opus.sampleRate());
        assertEquals(1, opus.channels());
        assertEquals(WavEncoding.PCM_S16, opus.encoding());
        assertEquals(ref.length(), opus.length(), "granule position minus pre-skip gives opusdec's length");
        double snr = AudioFilesTest.snrDb(ref.samples(), opus.samples());
        assertTrue(snr >= MIN_TONE_SNR_DB, "SNR " + snr + " dB");
    }

    @Test
    void stereoMixMatchesOpusdec() throws IOException {
        AudioClip ref = WavReader.decode(AudioFilesTest.resource("stereo16-opusdec.wav"), "ref");
        AudioClip opus = OggOpusReader.decode(AudioFilesTest.resource("stereo16.opus"), "stereo16.opus");
        assertEquals(2, opus.channels());
        assertEquals(ref.length(), opus.length());
        double snr = AudioFilesTest.snrDb(ref.samples(), opus.samples());
        assertTrue(snr >= MIN_NOISE_SNR_DB, "SNR " + snr + " dB");
    }

    @Test
    void detectsOpusByItsHeadPacket() throws IOException {
        assertTrue(OggOpusReader.isOpus(AudioFilesTest.resource("tone44k.opus")));
        assertFalse(OggOpusReader.isOpus(AudioFilesTest.resource("tone44k.ogg")));
        assertFalse(OggOpusReader.isOpus(AudioFilesTest.resource("tone44k.wav")));
        assertFalse(OggOpusReader.isOpus(new byte[] {'O', 'g', 'g', 'S'}));
    }

    @Test
    void rejectsTruncatedOpus() throws IOException {
        byte[] opus = AudioFilesTest.resource("stereo16.opus");
        expect(Arrays.copyOf(opus, opus.length - 100), "the file is truncated");
        expect(Arrays.copyOf(opus, 30), "no complete Ogg page");
        byte[] headOnly = AudioFilesTest.oggPage(head(2, 0));
        expect(headOnly, "ends before the OpusTags packet");
    }

    @Test
    void rejectsBadHeads() {
        expect(AudioFilesTest.oggPage(head(3, 0)), "mapping family 0 with 3 channels");
        expect(AudioFilesTest.oggPage(head(0, 0)), "0 channels");
        expect(AudioFilesTest.oggPage(head(2, 1)), "too short for its channel mapping table");
        byte[] notOpus = "OpusHeaX\u0001\u0001\u0038\u0001\u0080\u00bb\u0000\u0000\u0000\u0000\u0000\u0000\u0000"
                .getBytes(StandardCharsets.ISO_8859_1);
        AudioFormatException e = assertThrows(AudioFormatException.class,
                () -> OggOpusReader.decode(AudioFilesTest.oggPage(notOpus), "clip"));
        assertTrue(e.getMessage().contains("not Opus"), e.getMessage());
    }

    @Test
    void rejectsCorruptPage() throws IOException {
        byte[] opus = AudioFilesTest.resource("tone44k.opus");
        for (int i = opus.length / 2; i < opus.length / 2 + 32; i++) {
            opus[i] ^= (byte) 0x5A;
        }
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(opus, "bad.opus"));
        assertTrue(e.getMessage().startsWith("bad.opus: "), e.getMessage());
    }

    /** A 19-byte OpusHead: version 1, {@code channels}, pre-skip 312, 48 kHz input, gain 0, {@code family}. */
    private static byte[] head(int channels, int family) {
        byte[] h = Arrays.copyOf("OpusHead".getBytes(StandardCharsets.ISO_8859_1), 19);
        h[8] = 1;
        h[9] = (byte) channels;
        h[10] = (byte) 0x38;
        h[11] = 0x01;
        h[12] = (byte) 0x80;
        h[13] = (byte) 0xBB;
        h[18] = (byte) family;
        return h;
    }

    private static void expect(byte[] bytes, String fragment) {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(bytes, "clip"));
        assertTrue(e.getMessage().startsWith("clip: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
