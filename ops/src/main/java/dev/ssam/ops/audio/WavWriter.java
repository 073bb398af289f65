package dev.ssam.ops.audio;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes RIFF/WAVE files: test fixtures and generated task data.
 *
 * <p>Samples are interleaved floats ({@code (S, C), C fastest}). Integer encodings quantise with
 * round-half-away-from-zero of {@code x * 2^(N-1)} (8-bit: plus 128), saturating at the encoding's
 * range, so values in [-1, 1) survive a write and {@link WavReader} read within half a
 * quantisation step; float encodings store the values as they are. The header is the plain
 * 16-byte {@code fmt } chunk, or WAVE_FORMAT_EXTENSIBLE (40 bytes) when asked.
 *
 * <pre>{@code
 * WavWriter.write(Path.of("tone.wav"), samples, 1, 16_000, WavEncoding.PCM_S16);
 * }</pre>
 */
public final class WavWriter {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bytes 2..15 of the standard KSDATAFORMAT_SUBTYPE GUIDs. */
    private static final byte[] GUID_SUFFIX = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00,
        0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    private WavWriter() {
    }

    /** Writes a WAV file with a plain {@code fmt } chunk. */
    public static void write(Path file, float[] interleaved, int channels, int sampleRate, WavEncoding encoding)
            throws IOException {
        Files.write(file, encode(interleaved, channels, sampleRate, encoding, false));
    }

    /** The bytes of a WAV file with a plain {@code fmt } chunk. */
    public static byte[] encode(float[] interleaved, int channels, int sampleRate, WavEncoding encoding) {
        return encode(interleaved, channels, sampleRate, encoding, false);
    }

    /**
     * The bytes of a WAV file.
     *
     * @param interleaved (S, C) samples, C fastest
     * @param channels    C, at least 1
     * @param sampleRate  samples per second per channel
     * @param encoding    how samples are stored
     * @param extensible  write a WAVE_FORMAT_EXTENSIBLE header (channel mask 0, valid bits = bits)
     */
    public static byte[] encode(float[] interleaved, int channels, int sampleRate, WavEncoding encoding,
            boolean extensible) {
        if (channels <= 0) {
            throw new IllegalArgumentException("WavWriter: channel count is " + channels + ", expected at least 1");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("WavWriter: sample rate is " + sampleRate + ", expected a positive rate");
        }
        if (interleaved.length % channels != 0) {
            throw new IllegalArgumentException("WavWriter: " + interleaved.length + " samples are not a whole number of "
                    + channels + "-channel frames");
        }
        int width = encoding.bytesPerSample();
        long dataBytes = (long) interleaved.length * width;
        int fmtBytes = extensible ? 40 : 16;
        long total = 12 + 8 + fmtBytes + 8 + dataBytes + (dataBytes & 1);
        if (total > WavReader.MAX_FILE_BYTES) {
            throw new IllegalArgumentException("WavWriter: " + interleaved.length + " samples of " + encoding
                    + " need " + total + " bytes, more than a WAV file here may hold");
        }
        byte[] b = new byte[(int) total];
        ascii(b, 0, "RIFF");
        I32.set(b, 4, (int) (total - 8));
        ascii(b, 8, "WAVE");
        ascii(b, 12, "fmt ");
        I32.set(b, 16, fmtBytes);
        int f = 20;
        I16.set(b, f, (short) (extensible ? WavEncoding.TAG_EXTENSIBLE : encoding.formatTag()));
        I16.set(b, f + 2, (short) channels);
        I32.set(b, f + 4, sampleRate);
        I32.set(b, f + 8, sampleRate * channels * width);
        I16.set(b, f + 12, (short) (channels * width));
        I16.set(b, f + 14, (short) encoding.bitsPerSample());
        if (extensible) {
            I16.set(b, f + 16, (short) 22);
            I16.set(b, f + 18, (short) encoding.bitsPerSample());
            I32.set(b, f + 20, 0);
            I16.set(b, f + 24, (short) encoding.formatTag());
            System.arraycopy(GUID_SUFFIX, 0, b, f + 26, GUID_SUFFIX.length);
        }
        int d = f + fmtBytes;
        ascii(b, d, "data");
        I32.set(b, d + 4, (int) dataBytes);
        int p = d + 8;
        for (float x : interleaved) {
            put(b, p, x, encoding);
            p += width;
        }
        return b;
    }

    /** The stored integer for {@code x} in N-bit signed PCM: round(x * 2^(N-1)), saturated. */
    static long quantise(float x, int bits) {
        double full = Math.scalb(1.0, bits - 1);
        double v = Math.floor(Math.abs((double) x) * full + 0.5) * Math.signum(x);
        if (Double.isNaN(v)) {
            return 0;
        }
        return (long) Math.max(-full, Math.min(full - 1, v));
    }

    private static void put(byte[] b, int p, float x, WavEncoding encoding) {
        switch (encoding) {
            case PCM_U8 -> b[p] = (byte) (quantise(x, 8) + 128);
            case PCM_S16 -> I16.set(b, p, (short) quantise(x, 16));
            case PCM_S24 -> {
                int v = (int) quantise(x, 24);
                b[p] = (byte) v;
                b[p + 1] = (byte) (v >> 8);
                b[p + 2] = (byte) (v >> 16);
            }
            case PCM_S32 -> I32.set(b, p, (int) quantise(x, 32));
            case FLOAT32 -> I32.set(b, p, Float.floatToRawIntBits(x));
            case FLOAT64 -> I64.set(b, p, Double.doubleToRawLongBits(x));
        }
    }

    private static void ascii(byte[] b, int p, String s) {
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, b, p, 4);
    }
}
