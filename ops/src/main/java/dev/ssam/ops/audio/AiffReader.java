package dev.ssam.ops.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes AIFF and uncompressed AIFF-C files to mono float samples ({@link AudioClip}); some
 * Hydrogen drum kits ship them (at times under a {@code .wav} name).
 *
 * <p>Supported: big-endian PCM of 8, 16, 24 or 32 bits (AIFF, and AIFF-C {@code NONE}),
 * little-endian PCM ({@code sowt}) and 32-bit float ({@code fl32}). Samples scale as {@link
 * WavReader} scales them (N-bit divided by 2^(N-1)); channels are averaged. Malformed input is an
 * {@link AudioFormatException} naming the source: not FORM/AIFF, a missing COMM or SSND chunk, a
 * chunk or sound data running past the end of the file, compressed AIFF-C, odd bit depths, zero
 * channels, a sample rate outside [{@value WavReader#MIN_SAMPLE_RATE}, {@value
 * WavReader#MAX_SAMPLE_RATE}] Hz, and empty audio.
 *
 * <pre>{@code
 * AudioClip clip = AiffReader.read(Path.of("snare.aiff"));
 * }</pre>
 */
public final class AiffReader {
    private AiffReader() {
    }

    /** Reads and decodes an AIFF file. */
    public static AudioClip read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Decodes the bytes of an AIFF file; {@code name} stands for the source in messages. */
    public static AudioClip decode(byte[] bytes, String name) throws AudioFormatException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        if (bytes.length < 12 || !id(b, 0).equals("FORM")) {
            throw new AudioFormatException(name, "not an AIFF file: it does not start with 'FORM'");
        }
        String form = id(b, 8);
        if (!form.equals("AIFF") && !form.equals("AIFC")) {
            throw new AudioFormatException(name, "not an AIFF file: the FORM type is '" + form + "', expected 'AIFF' or 'AIFC'");
        }
        int comm = -1;
        int commSize = 0;
        int ssnd = -1;
        long ssndSize = 0;
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            String chunk = id(b, pos);
            long size = b.getInt(pos + 4) & 0xFFFF_FFFFL;
            int body = pos + 8;
            if (size > bytes.length - body) {
                throw new AudioFormatException(name, "chunk '" + chunk + "' at byte " + pos + " declares " + size
                        + " bytes but only " + (bytes.length - body) + " remain: the file is truncated");
            }
            if (chunk.equals("COMM")) {
                comm = body;
                commSize = (int) size;
            } else if (chunk.equals("SSND")) {
                ssnd = body;
                ssndSize = size;
            }
            pos = (int) Math.min(bytes.length, body + size + (size & 1));
        }
        if (comm < 0 || commSize < 18) {
            throw new AudioFormatException(name, "missing or short 'COMM' chunk");
        }
        if (ssnd < 0 || ssndSize < 8) {
            throw new AudioFormatException(name, "missing 'SSND' chunk: no audio");
        }
        int channels = b.getShort(comm);
        long frames = b.getInt(comm + 2) & 0xFFFF_FFFFL;
        int bits = b.getShort(comm + 6);
        double rate = extended(b, comm + 8);
        String compression = form.equals("AIFC") && commSize >= 22 ? id(b, comm + 18) : "NONE";
        boolean little = compression.equals("sowt");
        boolean isFloat = compression.equalsIgnoreCase("fl32");
        if (!little && !isFloat && !compression.equals("NONE")) {
            throw new AudioFormatException(name, "compressed AIFF-C ('" + compression + "') is not supported");
        }
        if (isFloat ? bits != 32 : bits != 8 && bits != 16 && bits != 24 && bits != 32) {
            throw new AudioFormatException(name, "unsupported bit depth " + bits + ", expected 8, 16, 24 or 32");
        }
        if (channels <= 0) {
            throw new AudioFormatException(name, channels + " channels in the COMM chunk");
        }
        if (!(rate >= WavReader.MIN_SAMPLE_RATE && rate <= WavReader.MAX_SAMPLE_RATE)) {
            throw new AudioFormatException(name, "sample rate " + rate + " Hz is outside [" + WavReader.MIN_SAMPLE_RATE + ", "
                    + WavReader.MAX_SAMPLE_RATE + "] Hz");
        }
        int step = bits / 8;
        int data = ssnd + 8 + b.getInt(ssnd);
        if (frames == 0) {
            throw new AudioFormatException(name, "no audio: COMM declares 0 frames");
        }
        if (data + frames * channels * step > ssnd + ssndSize) {
            throw new AudioFormatException(name, "COMM declares " + frames + " frames but SSND holds fewer: the file is truncated");
        }
        b.order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        double scale = isFloat ? 1.0 : 1.0 / Math.scalb(1.0, bits - 1);
        float[] mono = new float[(int) frames]; // (S)
        int p = data;
        for (int f = 0; f < mono.length; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++, p += step) {
                sum += switch (step) {
                    case 1 -> bytes[p];
                    case 2 -> b.getShort(p);
                    case 3 -> little ? (bytes[p] & 0xFF | (bytes[p + 1] & 0xFF) << 8 | bytes[p + 2] << 16)
                            : (bytes[p] << 16 | (bytes[p + 1] & 0xFF) << 8 | bytes[p + 2] & 0xFF);
                    default -> isFloat ? b.getFloat(p) : b.getInt(p);
                } * scale;
            }
            mono[f] = (float) (sum / channels);
        }
        WavEncoding enc = isFloat ? WavEncoding.FLOAT32 : switch (bits) {
            case 8 -> WavEncoding.PCM_U8;
            case 16 -> WavEncoding.PCM_S16;
            case 24 -> WavEncoding.PCM_S24;
            default -> WavEncoding.PCM_S32;
        };
        return new AudioClip(mono, (int) Math.round(rate), channels, enc, name);
    }

    /** An IEEE 754 80-bit extended float (the COMM sample rate). */
    private static double extended(ByteBuffer b, int p) {
        int exponent = b.getShort(p) & 0x7FFF;
        long mantissa = b.getLong(p + 2);
        double sign = (b.get(p) & 0x80) != 0 ? -1 : 1;
        return sign * Math.scalb((double) (mantissa >>> 11), exponent - 16383 - 52);
    }

    private static String id(ByteBuffer b, int p) {
        byte[] four = new byte[4];
        b.get(p, four);
        return new String(four, StandardCharsets.ISO_8859_1);
    }
}
