package dev.ssam.ops.audio;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes RIFF/WAVE files to mono float samples ({@link AudioClip}).
 *
 * <p>Supported: WAVE_FORMAT_PCM 8-bit unsigned and 16/24/32-bit signed, WAVE_FORMAT_IEEE_FLOAT
 * 32/64-bit, and WAVE_FORMAT_EXTENSIBLE whose sub-format is one of those (the container size
 * {@code wBitsPerSample} decides the decoding; a 24-in-32 file decodes as 32-bit, which gives the
 * same values since the padding bits are zero). Samples scale as torchaudio scales them: 16-bit
 * divides by 32768, N-bit by 2^(N-1), unsigned 8-bit is (x - 128) / 128. Channels are averaged to
 * mono. Unknown chunks (LIST, fact, cue, ...) are skipped, with the pad byte after an odd-sized
 * chunk; the RIFF size field is not trusted (many writers get it wrong): the file's real length is.
 *
 * <p>Every malformed input is an {@link AudioFormatException} naming the source and the problem:
 * empty or truncated header, not RIFF/WAVE (RIFX and RF64 say so), missing {@code fmt } or
 * {@code data} chunk, a {@code data} chunk longer than the bytes left (a truncated file is an
 * error, not silently shortened), a data size that is not a whole number of frames, unsupported
 * encodings (A-law, mu-law, ADPCM, ... named by their format tag) or bit depths, zero channels, a
 * block align that does not match channels x sample size, empty audio, a sample rate outside
 * [{@value #MIN_SAMPLE_RATE}, {@value #MAX_SAMPLE_RATE}] Hz, and NaN or infinite float samples.
 *
 * <pre>{@code
 * AudioClip clip = WavReader.read(Path.of("speech.wav"));
 * float[] mono = clip.samples();            // (S), in [-1, 1]
 * }</pre>
 */
public final class WavReader {
    /** Lowest sample rate accepted, in Hz. */
    public static final int MIN_SAMPLE_RATE = 1_000;
    /** Highest sample rate accepted, in Hz. */
    public static final int MAX_SAMPLE_RATE = 768_000;
    /** Largest file decoded (a Java array's limit). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private static final int HEADER_BYTES = 12;
    private static final int CHUNK_HEADER_BYTES = 8;
    private static final int FMT_BYTES = 16;
    private static final int FMT_EXTENSIBLE_BYTES = 40;
    /** Bytes 2..15 of every standard KSDATAFORMAT_SUBTYPE GUID (the tag fills bytes 0..1). */
    private static final byte[] GUID_SUFFIX = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00,
        0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private WavReader() {
    }

    /** The format of a parsed header: where the audio is and how it is encoded. */
    private record Layout(WavEncoding encoding, int channels, int sampleRate, int dataOffset, int frames) {
    }

    /**
     * Reads and decodes a WAV file.
     *
     * @throws AudioFormatException when the file is not a WAV file this reader decodes (the
     *                              message names the file and the problem)
     * @throws IOException          when the file cannot be read
     */
    public static AudioClip read(Path file) throws IOException {
        String name = file.toString();
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new AudioFormatException(name, "file is " + size + " bytes, at most " + MAX_FILE_BYTES + " can be decoded");
        }
        return decode(Files.readAllBytes(file), name);
    }

    /**
     * Reads a whole stream and decodes it; {@code name} stands for the source in messages. The
     * stream is not closed.
     */
    public static AudioClip read(InputStream in, String name) throws IOException {
        return decode(in.readAllBytes(), name);
    }

    /** Decodes the bytes of a WAV file; {@code name} stands for the source in messages. */
    public static AudioClip decode(byte[] bytes, String name) throws AudioFormatException {
        Layout layout = parse(bytes, name);
        float[] mono = new float[layout.frames()]; // (S)
        mix(bytes, layout, mono, name);
        return new AudioClip(mono, layout.sampleRate(), layout.channels(), layout.encoding(), name);
    }

    private static Layout parse(byte[] b, String name) throws AudioFormatException {
        if (b.length == 0) {
            throw new AudioFormatException(name, "empty file (0 bytes), expected a RIFF/WAVE header");
        }
        if (b.length < HEADER_BYTES) {
            throw new AudioFormatException(name, "truncated header: " + b.length
                    + " bytes, a RIFF/WAVE header needs " + HEADER_BYTES);
        }
        String riff = fourCc(b, 0);
        switch (riff) {
            case "'RIFF'" -> { }
            case "'RIFX'" -> throw new AudioFormatException(name, "big-endian RIFX files are not supported");
            case "'RF64'" -> throw new AudioFormatException(name, "RF64 (64-bit RIFF) files are not supported");
            default -> throw new AudioFormatException(name, "not a WAV file: starts with " + riff + ", expected 'RIFF'");
        }
        String form = fourCc(b, 8);
        if (!form.equals("'WAVE'")) {
            throw new AudioFormatException(name, "not a WAVE file: the RIFF form type is " + form + ", expected 'WAVE'");
        }
        int fmt = -1;
        int fmtSize = 0;
        int data = -1;
        long dataSize = 0;
        int pos = HEADER_BYTES;
        while ((fmt < 0 || data < 0) && b.length - pos >= CHUNK_HEADER_BYTES) {
            String id = fourCc(b, pos);
            long size = u32(b, pos + 4);
            int body = pos + CHUNK_HEADER_BYTES;
            long remaining = b.length - body;
            if (id.equals("'data'") && data < 0) {
                if (size > remaining) {
                    throw new AudioFormatException(name, "data chunk at byte " + pos + " declares " + size
                            + " bytes of audio but only " + remaining + " remain: the file is truncated");
                }
                data = body;
                dataSize = size;
            } else if (size > remaining) {
                throw new AudioFormatException(name, "chunk " + id + " at byte " + pos + " declares " + size
                        + " bytes but only " + remaining + " remain: the file is truncated");
            } else if (id.equals("'fmt '") && fmt < 0) {
                fmt = body;
                fmtSize = (int) size;
            }
            pos = (int) Math.min(b.length, body + size + (size & 1));
        }
        if (fmt < 0) {
            throw new AudioFormatException(name, "missing 'fmt ' chunk: no sample format before the end of the file");
        }
        if (data < 0) {
            throw new AudioFormatException(name, "missing 'data' chunk: no audio before the end of the file");
        }
        return layout(b, fmt, fmtSize, data, dataSize, name);
    }

    private static Layout layout(byte[] b, int fmt, int fmtSize, int data, long dataSize, String name)
            throws AudioFormatException {
        if (fmtSize < FMT_BYTES) {
            throw new AudioFormatException(name, "fmt chunk is " + fmtSize + " bytes, expected at least " + FMT_BYTES);
        }
        int tag = u16(b, fmt);
        int channels = u16(b, fmt + 2);
        long rate = u32(b, fmt + 4);
        int blockAlign = u16(b, fmt + 12);
        int bits = u16(b, fmt + 14);
        if (tag == WavEncoding.TAG_EXTENSIBLE) {
            if (fmtSize < FMT_EXTENSIBLE_BYTES) {
                throw new AudioFormatException(name, "WAVE_FORMAT_EXTENSIBLE fmt chunk is " + fmtSize
                        + " bytes, expected " + FMT_EXTENSIBLE_BYTES);
            }
            for (int i = 0; i < GUID_SUFFIX.length; i++) {
                if (b[fmt + 26 + i] != GUID_SUFFIX[i]) {
                    throw new AudioFormatException(name, "unsupported encoding: WAVE_FORMAT_EXTENSIBLE sub-format GUID "
                            + guid(b, fmt + 24) + " is not a standard KSDATAFORMAT_SUBTYPE");
                }
            }
            tag = u16(b, fmt + 24);
        }
        if (tag != WavEncoding.TAG_PCM && tag != WavEncoding.TAG_IEEE_FLOAT) {
            throw new AudioFormatException(name, "unsupported encoding: format tag " + WavEncoding.describeTag(tag)
                    + "; supported are PCM (0x0001) 8/16/24/32-bit, IEEE float (0x0003) 32/64-bit and"
                    + " WAVE_FORMAT_EXTENSIBLE with those");
        }
        WavEncoding encoding = WavEncoding.of(tag, bits);
        if (encoding == null) {
            throw new AudioFormatException(name, tag == WavEncoding.TAG_PCM
                    ? "unsupported PCM bit depth " + bits + ", expected 8, 16, 24 or 32"
                    : "unsupported IEEE float bit depth " + bits + ", expected 32 or 64");
        }
        if (channels == 0) {
            throw new AudioFormatException(name, "zero channels in the fmt chunk");
        }
        if (rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
            throw new AudioFormatException(name, "sample rate " + rate + " Hz is outside [" + MIN_SAMPLE_RATE + ", "
                    + MAX_SAMPLE_RATE + "] Hz");
        }
        int frameBytes = channels * encoding.bytesPerSample();
        if (blockAlign != frameBytes) {
            throw new AudioFormatException(name, "block align " + blockAlign + " does not match " + channels
                    + " channels x " + bits + " bits (" + frameBytes + " bytes a frame)");
        }
        if (dataSize == 0) {
            throw new AudioFormatException(name, "no audio: the data chunk is empty (0 bytes)");
        }
        if (dataSize % frameBytes != 0) {
            throw new AudioFormatException(name, "data chunk holds " + dataSize + " bytes, not a whole number of "
                    + frameBytes + "-byte frames (" + channels + " channels x " + bits + " bits)");
        }
        return new Layout(encoding, channels, (int) rate, data, (int) (dataSize / frameBytes));
    }

    /** Decodes every sample and averages the channels of each frame into {@code mono}. */
    private static void mix(byte[] b, Layout layout, float[] mono, String name) throws AudioFormatException {
        WavEncoding enc = layout.encoding();
        int channels = layout.channels();
        int step = enc.bytesPerSample();
        double scale = 1.0 / enc.fullScale();
        int p = layout.dataOffset();
        for (int f = 0; f < mono.length; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++, p += step) {
                double v = switch (enc) {
                    case PCM_U8 -> ((b[p] & 0xFF) - 128) * scale;
                    case PCM_S16 -> (short) I16.get(b, p) * scale;
                    case PCM_S24 -> ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) * scale;
                    case PCM_S32 -> (int) I32.get(b, p) * scale;
                    case FLOAT32 -> Float.intBitsToFloat((int) I32.get(b, p));
                    case FLOAT64 -> Double.longBitsToDouble((long) I64.get(b, p));
                };
                if (!Double.isFinite(v)) {
                    throw new AudioFormatException(name, "sample " + v + " at frame " + f + ", channel " + c
                            + "; float audio must be finite");
                }
                sum += v;
            }
            mono[f] = (float) (channels == 1 ? sum : sum / channels);
        }
    }

    private static int u16(byte[] b, int p) {
        return (short) I16.get(b, p) & 0xFFFF;
    }

    private static long u32(byte[] b, int p) {
        return (int) I32.get(b, p) & 0xFFFF_FFFFL;
    }

    /** A chunk id quoted for messages; bytes outside printable ASCII show as hex. */
    private static String fourCc(byte[] b, int p) {
        boolean printable = true;
        for (int i = 0; i < 4; i++) {
            printable &= b[p + i] >= 0x20 && b[p + i] < 0x7F;
        }
        if (printable) {
            return "'" + new String(b, p, 4, StandardCharsets.US_ASCII) + "'";
        }
        return String.format("0x%02X%02X%02X%02X", b[p], b[p + 1], b[p + 2], b[p + 3]);
    }

    private static String guid(byte[] b, int p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(String.format("%02X", b[p + i]));
        }
        return sb.toString();
    }
}
