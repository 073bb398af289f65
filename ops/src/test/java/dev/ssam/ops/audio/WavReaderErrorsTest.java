package dev.ssam.ops.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavReaderErrorsTest {
    @TempDir
    Path tmp;

    private static final byte[] PCM = RiffBytes.pcm16(1, 2, 3, 4);

    @Test
    void rejectsEmptyFileNamingIt() throws IOException {
        Path file = tmp.resolve("empty.wav");
        Files.write(file, new byte[0]);
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavReader.read(file));
        assertInstanceOf(IOException.class, e);
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());
        assertEquals(file.toString(), e.source());
    }

    @Test
    void rejectsTruncatedHeader() {
        expect(new byte[] {'R', 'I', 'F', 'F', 0, 0, 0}, "truncated header: 7 bytes");
    }

    @Test
    void rejectsNonRiffAndOtherRiffForms() {
        expect("OggS........".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "not a WAV file: starts with 'OggS'");
        expect(RiffBytes.of("RIFX", "WAVE").build(), "big-endian RIFX");
        expect(RiffBytes.of("RF64", "WAVE").build(), "RF64");
        expect(RiffBytes.of("RIFF", "AVI ").build(), "not a WAVE file: the RIFF form type is 'AVI '");
    }

    @Test
    void rejectsMissingFmtChunk() {
        expect(RiffBytes.wave().chunk("data", PCM).build(), "missing 'fmt ' chunk");
    }

    @Test
    void rejectsMissingDataChunk() {
        expect(RiffBytes.wave().fmt(1, 1, 16_000, 2, 16).chunk("LIST", new byte[4]).build(), "missing 'data' chunk");
    }

    @Test
    void rejectsDataChunkLongerThanTheFile() {
        byte[] wav = RiffBytes.wave().fmt(1, 1, 16_000, 2, 16).chunk("data", 1000, PCM).build();
        expect(wav, "data chunk at byte 36 declares 1000 bytes of audio but only 8 remain: the file is truncated");
    }

    @Test
    void rejectsTruncatedChunkBeforeTheData() {
        byte[] wav = RiffBytes.wave().fmt(1, 1, 16_000, 2, 16).chunk("LIST", 64, new byte[4]).build();
        expect(wav, "chunk 'LIST' at byte 36 declares 64 bytes but only 4 remain");
    }

    @Test
    void rejectsCompressedEncodingsNamingTheTag() {
        expect(RiffBytes.wave().fmt(6, 1, 8_000, 1, 8).chunk("data", new byte[4]).build(),
                "unsupported encoding: format tag 0x0006 (A-law)");
        expect(RiffBytes.wave().fmt(7, 1, 8_000, 1, 8).chunk("data", new byte[4]).build(),
                "unsupported encoding: format tag 0x0007 (mu-law)");
        expect(RiffBytes.wave().fmt(0x11, 1, 8_000, 256, 4).chunk("data", new byte[256]).build(),
                "unsupported encoding: format tag 0x0011 (IMA ADPCM)");
        expect(RiffBytes.wave().fmt(2, 1, 8_000, 256, 4).chunk("data", new byte[256]).build(),
                "format tag 0x0002 (Microsoft ADPCM)");
        expect(RiffBytes.wave().fmtExtensible(6, 1, 8_000, 1, 8, null).chunk("data", new byte[4]).build(),
                "unsupported encoding: format tag 0x0006 (A-law)");
    }

    @Test
    void rejectsNonStandardExtensibleSubFormat() {
        byte[] guid = new byte[14];
        expect(RiffBytes.wave().fmtExtensible(1, 1, 16_000, 2, 16, guid).chunk("data", PCM).build(),
                "sub-format GUID " + "01" + "00".repeat(15) + " is not a standard KSDATAFORMAT_SUBTYPE");
    }

    @Test
    void rejectsShortFmtChunks() {
        expect(RiffBytes.wave().chunk("fmt ", new byte[14]).chunk("data", PCM).build(), "fmt chunk is 14 bytes, expected at least 16");
        byte[] ext = RiffBytes.fmtBody(0xFFFE, 1, 16_000, 2, 16);
        expect(RiffBytes.wave().chunk("fmt ", ext).chunk("data", PCM).build(),
                "WAVE_FORMAT_EXTENSIBLE fmt chunk is 16 bytes, expected 40");
    }

    @Test
    void rejectsUnsupportedBitDepths() {
        expect(RiffBytes.wave().fmt(1, 1, 16_000, 2, 12).chunk("data", PCM).build(), "unsupported PCM bit depth 12");
        expect(RiffBytes.wave().fmt(3, 1, 16_000, 2, 16).chunk("data", PCM).build(), "unsupported IEEE float bit depth 16");
    }

    @Test
    void rejectsZeroChannels() {
        expect(RiffBytes.wave().fmt(1, 0, 16_000, 0, 16).chunk("data", PCM).build(), "zero channels");
    }

    @Test
    void rejectsAbsurdSampleRates() {
        expect(RiffBytes.wave().fmt(1, 1, 0, 2, 16).chunk("data", PCM).build(), "sample rate 0 Hz is outside [1000, 768000] Hz");
        expect(RiffBytes.wave().fmt(1, 1, 4_000_000_000L, 2, 16).chunk("data", PCM).build(),
                "sample rate 4000000000 Hz is outside");
    }

    @Test
    void rejectsBlockAlignThatDoesNotMatchTheFormat() {
        expect(RiffBytes.wave().fmt(1, 2, 16_000, 2, 16).chunk("data", PCM).build(),
                "block align 2 does not match 2 channels x 16 bits (4 bytes a frame)");
    }

    @Test
    void rejectsZeroLengthAudio() {
        expect(RiffBytes.wave().fmt(1, 1, 16_000, 2, 16).chunk("data", new byte[0]).build(), "no audio: the data chunk is empty");
    }

    @Test
    void rejectsPartialFrames() {
        expect(RiffBytes.wave().fmt(1, 2, 16_000, 4, 16).chunk("data", RiffBytes.pcm16(1, 2, 3)).build(),
                "data chunk holds 6 bytes, not a whole number of 4-byte frames");
    }

    @Test
    void rejectsNonFiniteFloatSamples() {
        byte[] nan = WavWriter.encode(new float[] {0f, 0.5f, Float.NaN, 0f}, 2, 16_000, WavEncoding.FLOAT32);
        expect(nan, "sample NaN at frame 1, channel 0; float audio must be finite");
        byte[] inf = WavWriter.encode(new float[] {Float.NEGATIVE_INFINITY}, 1, 16_000, WavEncoding.FLOAT64);
        expect(inf, "sample -Infinity at frame 0, channel 0");
    }

    private static void expect(byte[] wav, String problem) {
        Executable read = () -> WavReader.decode(wav, "bad.wav");
        AudioFormatException e = assertThrows(AudioFormatException.class, read);
        assertEquals("bad.wav", e.source());
        assertTrue(e.getMessage().startsWith("bad.wav: "), e.getMessage());
        assertTrue(e.problem().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
    }
}
