package dev.ssam.ops.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FLAC and Ogg Vorbis decoding against the WAV files the fixtures were encoded from (sox, then
 * {@code flac -8}, {@code oggenc -q 4/5} and sox again for AIFF, under src/test/resources/audio/), and the dispatch of
 * {@link AudioFiles#read} on file signatures.
 */
class AudioFilesTest {
    /** Vorbis at quality 4 keeps a steady 1 kHz tone well above this (measured about 40 dB). */
    private static final double MIN_TONE_SNR_DB = 25.0;
    /** Vorbis on pink noise plus a sine at quality 5 (measured about 20 dB on the stereo mix). */
    private static final double MIN_NOISE_SNR_DB = 10.0;

    @TempDir
    Path tmp;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = AudioFilesTest.class.getResourceAsStream("/audio/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /audio/" + name);
            }
            return in.readAllBytes();
        }
    }

    private Path copy(String name) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, resource(name));
        return file;
    }

    @Test
    void flacStereo16MatchesItsWavBitExactly() throws IOException {
        AudioClip wav = WavReader.read(copy("stereo16.wav"));
        AudioClip flac = FlacReader.read(copy("stereo16.flac"));
        assertEquals(2, flac.channels());
        assertEquals(16_000, flac.sampleRate());
        assertEquals(WavEncoding.PCM_S16, flac.encoding());
        assertArrayEquals(wav.samples(), flac.samples());
    }

    @Test
    void flacMono24MatchesItsWavBitExactly() throws IOException {
        AudioClip wav = WavReader.read(copy("mono24.wav"));
        AudioClip flac = AudioFiles.read(copy("mono24.flac"));
        assertEquals(WavEncoding.PCM_S24, wav.encoding());
        assertEquals(WavEncoding.PCM_S24, flac.encoding());
        assertEquals(22_050, flac.sampleRate());
        assertArrayEquals(wav.samples(), flac.samples());
    }

    @Test
    void oggToneIsCloseToItsWav() throws IOException {
        AudioClip wav = WavReader.read(copy("tone44k.wav"));
        AudioClip ogg = OggVorbisReader.read(copy("tone44k.ogg"));
        assertEquals(44_100, ogg.sampleRate());
        assertEquals(1, ogg.channels());
        assertEquals(WavEncoding.FLOAT32, ogg.encoding());
        assertEquals(wav.length(), ogg.length(), "Vorbis granule positions give the exact length");
        double snr = snrDb(wav.samples(), ogg.samples());
        assertTrue(snr >= MIN_TONE_SNR_DB, "SNR " + snr + " dB");
    }

    @Test
    void oggStereoNoiseIsCloseToItsWavMix() throws IOException {
        AudioClip wav = WavReader.read(copy("stereo16.wav"));
        AudioClip ogg = AudioFiles.read(copy("stereo16.ogg"));
        assertEquals(2, ogg.channels());
        assertEquals(16_000, ogg.sampleRate());
        assertEquals(wav.length(), ogg.length());
        double snr = snrDb(wav.samples(), ogg.samples());
        assertTrue(snr >= MIN_NOISE_SNR_DB, "SNR " + snr + " dB");
    }

    @Test
    void aiffMatchesItsWavBitExactly() throws IOException {
        assertArrayEquals(WavReader.read(copy("stereo16.wav")).samples(), AiffReader.read(copy("stereo16.aiff")).samples());
        AudioClip aiff24 = AudioFiles.read(copy("mono24.aiff"));
        assertEquals(22_050, aiff24.sampleRate());
        assertEquals(WavEncoding.PCM_S24, aiff24.encoding());
        assertArrayEquals(WavReader.read(copy("mono24.wav")).samples(), aiff24.samples());
    }

    @Test
    void rejectsTruncatedAiff() throws IOException {
        byte[] aiff = resource("stereo16.aiff");
        expect(Arrays.copyOf(aiff, aiff.length - 10), "the file is truncated");
        expect(Arrays.copyOf(aiff, 30), "chunk 'COMT' at byte 12 declares 26 bytes but only 10 remain");
        expect(Arrays.copyOf(aiff, 12), "missing or short 'COMM' chunk");
    }

    @Test
    void dispatchesOnSignatureNotName() throws IOException {
        Path disguised = tmp.resolve("really-flac.wav");
        Files.write(disguised, resource("stereo16.flac"));
        AudioClip clip = AudioFiles.read(disguised);
        assertArrayEquals(WavReader.read(copy("stereo16.wav")).samples(), clip.samples());
        assertEquals(WavReader.read(copy("tone44k.wav")).samples().length,
                AudioFiles.read(copy("tone44k.wav")).samples().length);
    }

    @Test
    void rejectsUnknownFormatNamingTheFile() throws IOException {
        Path mp3 = tmp.resolve("song.mp3");
        Files.write(mp3, "ID3\u0004 and then some".getBytes(StandardCharsets.US_ASCII));
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioFiles.read(mp3));
        assertTrue(e.getMessage().startsWith(mp3 + ": unrecognised audio format: starts with 0x4944"), e.getMessage());
        assertTrue(e.getMessage().contains("MP3"), e.getMessage());
        assertEquals(mp3.toString(), e.source());
        Path tiny = tmp.resolve("tiny.ogg");
        Files.write(tiny, new byte[] {'O', 'g'});
        assertTrue(assertThrows(AudioFormatException.class, () -> AudioFiles.read(tiny)).getMessage()
                .contains("too short for any audio format"));
    }

    @Test
    void rejectsTruncatedFlac() throws IOException {
        byte[] flac = resource("stereo16.flac");
        expect(Arrays.copyOf(flac, flac.length / 2), "truncated");
        expect(Arrays.copyOf(flac, 20), "corrupt or truncated FLAC stream");
        expect(Arrays.copyOf(flac, 4), "corrupt or truncated FLAC stream");
    }

    @Test
    void rejectsCorruptFlacFrames() throws IOException {
        byte[] flac = resource("stereo16.flac");
        // Past the 8 KB PADDING block flac writes, inside the audio frames.
        for (int i = flac.length * 3 / 4; i < flac.length * 3 / 4 + 64; i++) {
            flac[i] ^= (byte) 0x5A;
        }
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(flac, "bad.flac"));
        assertTrue(e.getMessage().startsWith("bad.flac: "), e.getMessage());
    }

    @Test
    void rejectsTruncatedOgg() throws IOException {
        byte[] ogg = resource("stereo16.ogg");
        expect(Arrays.copyOf(ogg, ogg.length - 100), "inside a page, without its end-of-stream page: the file is truncated");
        expect(Arrays.copyOf(ogg, 40), "no complete Ogg page");
        expect(Arrays.copyOf(ogg, 200), "ends inside the Vorbis headers");
    }

    @Test
    void oggWithoutEndOfStreamFlagDecodesWhole() throws IOException {
        byte[] ogg = resource("tone44k.ogg");
        int last = lastPage(ogg);
        ogg[last + 5] &= ~0x04;
        setCrc(ogg, last, ogg.length);
        AudioClip clip = AudioFiles.decode(ogg, "no-eos.ogg");
        assertEquals(AudioFiles.decode(resource("tone44k.ogg"), "eos.ogg").length(), clip.length());
        expect(Arrays.copyOf(ogg, ogg.length - 1), "inside a page");
    }

    @Test
    void rejectsCorruptOggPage() throws IOException {
        byte[] ogg = resource("stereo16.ogg");
        for (int i = ogg.length / 2; i < ogg.length / 2 + 32; i++) {
            ogg[i] ^= (byte) 0x5A;
        }
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(ogg, "bad.ogg"));
        assertTrue(e.getMessage().startsWith("bad.ogg: "), e.getMessage());
    }

    @Test
    void rejectsOggThatIsNotVorbis() {
        byte[] page = oggPage("OpusHead\u0001\u0001\u0038\u0001\u0080\u00bb\u0000\u0000\u0000\u0000\u0000"
                .getBytes(StandardCharsets.ISO_8859_1));
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> OggVorbisReader.decode(page, "clip"));
        assertTrue(e.getMessage().contains("not Vorbis (Ogg Opus)"), e.getMessage());
    }

    @Test
    void recognisesAudioExtensions() {
        assertTrue(AudioFiles.hasAudioExtension(Path.of("a/B.FLAC")));
        assertTrue(AudioFiles.hasAudioExtension(Path.of("x.ogg")));
        assertTrue(AudioFiles.hasAudioExtension(Path.of("x.wav")));
        assertTrue(AudioFiles.hasAudioExtension(Path.of("x.aiff")));
        assertTrue(AudioFiles.hasAudioExtension(Path.of("x.opus")));
        assertFalse(AudioFiles.hasAudioExtension(Path.of("x.mp3")));
        assertFalse(AudioFiles.hasAudioExtension(Path.of("flac")));
    }

    private static void expect(byte[] bytes, String fragment) {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioFiles.decode(bytes, "clip"));
        assertTrue(e.getMessage().startsWith("clip: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    /** One Ogg page (beginning of stream) holding {@code body} as its single packet, with its CRC. */
    static byte[] oggPage(byte[] body) {
        byte[] p = new byte[28 + body.length];
        p[0] = 'O';
        p[1] = 'g';
        p[2] = 'g';
        p[3] = 'S';
        p[5] = 0x02;
        p[14] = 7;
        p[26] = 1;
        p[27] = (byte) body.length;
        System.arraycopy(body, 0, p, 28, body.length);
        setCrc(p, 0, p.length);
        return p;
    }

    /** Start of the last Ogg page (the last 'OggS'). */
    static int lastPage(byte[] b) {
        for (int i = b.length - 4; i >= 0; i--) {
            if (b[i] == 'O' && b[i + 1] == 'g' && b[i + 2] == 'g' && b[i + 3] == 'S') {
                return i;
            }
        }
        throw new IllegalArgumentException("no Ogg page");
    }

    /** Writes the Ogg CRC-32 (polynomial 0x04C11DB7, no reflection) of the page [from, to). */
    static void setCrc(byte[] p, int from, int to) {
        for (int i = 22; i < 26; i++) {
            p[from + i] = 0;
        }
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (p[i] & 0xFF) << 24;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x80000000) != 0 ? crc << 1 ^ 0x04C11DB7 : crc << 1;
            }
        }
        p[from + 22] = (byte) crc;
        p[from + 23] = (byte) (crc >>> 8);
        p[from + 24] = (byte) (crc >>> 16);
        p[from + 25] = (byte) (crc >>> 24);
    }

    /** 10 log10(signal power / error power) over the whole clip. */
    static double snrDb(float[] reference, float[] decoded) {
        double signal = 0;
        double error = 0;
        for (int i = 0; i < reference.length; i++) {
            signal += (double) reference[i] * reference[i];
            double d = reference[i] - decoded[i];
            error += d * d;
        }
        return 10 * Math.log10(signal / error);
    }
}
