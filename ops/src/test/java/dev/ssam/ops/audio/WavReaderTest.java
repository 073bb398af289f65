package dev.ssam.ops.audio;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavReaderTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> formats() {
        List<Arguments> cases = new ArrayList<>();
        for (WavEncoding e : WavEncoding.values()) {
            for (int channels : new int[] {1, 2, 3, 6}) {
                cases.add(Arguments.of(e, channels, false));
                cases.add(Arguments.of(e, channels, true));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} x{1} extensible={2}")
    @MethodSource("formats")
    void roundTripsEveryEncodingAndChannelCount(WavEncoding encoding, int channels, boolean extensible)
            throws IOException {
        SplittableRandom rnd = new SplittableRandom(17 + encoding.ordinal() * 31L + channels);
        int frames = 129;
        float[] interleaved = new float[frames * channels];
        // [-1, 1 - 1/128): above 1 - half a step the integer formats saturate (tested separately).
        for (int i = 0; i < interleaved.length; i++) {
            interleaved[i] = (float) (rnd.nextDouble() * (2 - 1.0 / 128) - 1);
        }
        interleaved[0] = -1f;
        interleaved[1 % interleaved.length] = 0f;
        byte[] wav = WavWriter.encode(interleaved, channels, 22_050, encoding, extensible);

        AudioClip clip = WavReader.decode(wav, "roundtrip.wav");

        assertEquals(22_050, clip.sampleRate());
        assertEquals(channels, clip.channels());
        assertEquals(encoding, clip.encoding());
        assertEquals("roundtrip.wav", clip.source());
        float[] expected = new float[frames];
        double step = 1.0 / encoding.fullScale();
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                float x = interleaved[f * channels + c];
                double stored = encoding.isFloat() ? x : WavWriter.quantise(x, encoding.bitsPerSample()) * step;
                assertTrue(Math.abs(stored - x) <= 0.5 * step || encoding.isFloat(),
                        () -> encoding + ": " + x + " stored as " + stored + ", more than half a step away");
                sum += stored;
            }
            expected[f] = (float) (channels == 1 ? sum : sum / channels);
        }
        TensorCompare.assertBitwiseEqual(encoding + " mono", Tensor.of(expected, frames), Tensor.of(clip.samples(), frames));
    }

    @Test
    void writerSaturatesOutOfRangeValues() throws IOException {
        float[] x = {1f, 2f, -1.5f, -1f, 0.99999f};
        AudioClip clip = WavReader.decode(WavWriter.encode(x, 1, 16_000, WavEncoding.PCM_S16), "sat");
        assertSamples(new float[] {32767f / 32768f, 32767f / 32768f, -1f, -1f, 32767f / 32768f}, clip);
        clip = WavReader.decode(WavWriter.encode(x, 1, 16_000, WavEncoding.PCM_U8), "sat8");
        assertSamples(new float[] {127f / 128f, 127f / 128f, -1f, -1f, 127f / 128f}, clip);
    }

    @Test
    void decodesKnownPcmValuesWithTorchaudioScaling() throws IOException {
        byte[] s16 = RiffBytes.wave().fmt(1, 1, 16_000, 2, 16).chunk("data", RiffBytes.pcm16(-32768, 32767, 1, -1)).build();
        assertSamples(new float[] {-1f, 32767f / 32768f, 1f / 32768f, -1f / 32768f}, WavReader.decode(s16, "s16"));

        byte[] s24Data = {0x00, 0x00, (byte) 0x80, (byte) 0xFF, (byte) 0xFF, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        byte[] s24 = RiffBytes.wave().fmt(1, 1, 16_000, 3, 24).chunk("data", s24Data).build();
        assertSamples(new float[] {-1f, (float) (8388607 / 8388608.0), -1f / 8388608f}, WavReader.decode(s24, "s24"));

        byte[] u8 = RiffBytes.wave().fmt(1, 1, 16_000, 1, 8).chunk("data", new byte[] {0, (byte) 128, (byte) 255}).build();
        assertSamples(new float[] {-1f, 0f, 127f / 128f}, WavReader.decode(u8, "u8"));

        byte[] s32Data = {0, 0, 0, (byte) 0x80, 0, 0, 0, 0x40};
        byte[] s32 = RiffBytes.wave().fmt(1, 1, 16_000, 4, 32).chunk("data", s32Data).build();
        assertSamples(new float[] {-1f, 0.5f}, WavReader.decode(s32, "s32"));
    }

    @Test
    void averagesChannelsToMono() throws IOException {
        byte[] wav = RiffBytes.wave().fmt(1, 2, 16_000, 4, 16)
                .chunk("data", RiffBytes.pcm16(16384, -16384, 32767, 32767, 8192, 0)).build();
        AudioClip clip = WavReader.decode(wav, "stereo");
        assertEquals(2, clip.channels());
        assertSamples(new float[] {0f, 32767f / 32768f, 0.125f}, clip);
    }

    @Test
    void skipsUnknownChunksAndOddSizePadding() throws IOException {
        byte[] wav = RiffBytes.wave()
                .chunk("LIST", new byte[] {'I', 'N', 'F', 'O', 'x'})
                .fmt(1, 1, 8_000, 1, 8)
                .chunk("fact", new byte[] {3, 0, 0, 0})
                .chunk("data", new byte[] {0, (byte) 192, (byte) 255})
                .chunk("junk", new byte[] {1, 2, 3})
                .build();
        AudioClip clip = WavReader.decode(wav, "chunks");
        assertEquals(8_000, clip.sampleRate());
        assertSamples(new float[] {-1f, 0.5f, 127f / 128f}, clip);
    }

    @Test
    void acceptsDataBeforeFmt() throws IOException {
        byte[] wav = RiffBytes.wave().chunk("data", RiffBytes.pcm16(16384)).fmt(1, 1, 16_000, 2, 16).build();
        assertSamples(new float[] {0.5f}, WavReader.decode(wav, "order"));
    }

    @Test
    void readsTheSameFromPathStreamAndBytes() throws IOException {
        float[] x = new float[1001];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() - 0.5);
        }
        Path file = tmp.resolve("mono.wav");
        WavWriter.write(file, x, 1, 44_100, WavEncoding.FLOAT32);

        AudioClip fromPath = WavReader.read(file);
        AudioClip fromStream = WavReader.read(new ByteArrayInputStream(WavWriter.encode(x, 1, 44_100,
                WavEncoding.FLOAT32)), "stream");

        assertEquals(file.toString(), fromPath.source());
        assertEquals(44_100, fromPath.sampleRate());
        TensorCompare.assertBitwiseEqual("path", Tensor.of(x, x.length), Tensor.of(fromPath.samples(), x.length));
        TensorCompare.assertBitwiseEqual("stream", Tensor.of(x, x.length), Tensor.of(fromStream.samples(), x.length));
    }

    private static void assertSamples(float[] expected, AudioClip clip) {
        assertEquals(expected.length, clip.length(), clip.source() + ": sample count");
        TensorCompare.assertBitwiseEqual(clip.source(), Tensor.of(expected, expected.length),
                Tensor.of(clip.samples(), expected.length));
    }
}
