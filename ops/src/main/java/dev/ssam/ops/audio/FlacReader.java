package dev.ssam.ops.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

/**
 * Decodes FLAC files to mono float samples ({@link AudioClip}) with jFLAC ({@code
 * org.jflac:jflac-codec}).
 *
 * <p>Samples scale as {@link WavReader} scales PCM: N-bit integers divide by 2^(N-1), so a FLAC
 * file and the 16-bit WAV it was encoded from decode to bit-identical floats. Channels are
 * averaged to mono (after jFLAC undoes the left/side, right/side and mid/side stereo coding). The
 * clip's {@link AudioClip#encoding()} is the PCM encoding with the stream's bit depth (the next
 * larger one for depths such as 12 or 20 bits).
 *
 * <p>Malformed input is an {@link AudioFormatException} naming the source: no {@code fLaC}
 * signature, a missing or damaged STREAMINFO block, a sample rate outside the range {@link
 * WavReader} accepts, frames jFLAC cannot decode (bad sync or header), fewer samples than STREAMINFO
 * declares (a truncated file), decoded audio whose MD5 differs from the STREAMINFO signature (jFLAC
 * does not check frame CRCs, so this catches damaged frames), and empty audio.
 *
 * <pre>{@code
 * AudioClip clip = FlacReader.read(Path.of("bd_haus.flac"));   // e.g. 44.1 kHz stereo, 16-bit
 * }</pre>
 */
public final class FlacReader {
    private static final byte[] SIGNATURE = {'f', 'L', 'a', 'C'};
    /** STREAMINFO is the first metadata block (header at byte 4); its last 16 bytes are the MD5. */
    private static final int STREAMINFO_BODY = 8;
    private static final int STREAMINFO_BYTES = 34;
    private static final int MD5_OFFSET = STREAMINFO_BODY + STREAMINFO_BYTES - 16;

    private FlacReader() {
    }

    /**
     * Reads and decodes a FLAC file.
     *
     * @throws AudioFormatException when the file is not a FLAC stream this reader decodes
     * @throws IOException          when the file cannot be read
     */
    public static AudioClip read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Decodes the bytes of a FLAC file; {@code name} stands for the source in messages. */
    public static AudioClip decode(byte[] bytes, String name) throws AudioFormatException {
        if (!startsWith(bytes, SIGNATURE)) {
            throw new AudioFormatException(name, "not a FLAC file: it does not start with 'fLaC'");
        }
        if (bytes.length < STREAMINFO_BODY + STREAMINFO_BYTES || (bytes[4] & 0x7F) != 0) {
            throw new AudioFormatException(name, "corrupt or truncated FLAC stream: no STREAMINFO block after 'fLaC'");
        }
        try {
            return decodeStream(bytes, name);
        } catch (AudioFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // jFLAC reports damage as EOFException, its own IOExceptions or index errors.
            throw new AudioFormatException(name, "corrupt or truncated FLAC stream (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private static AudioClip decodeStream(byte[] bytes, String name) throws IOException {
        FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
        decoder.readMetadata();
        StreamInfo info = decoder.getStreamInfo();
        if (info == null) {
            throw new AudioFormatException(name, "missing STREAMINFO block after the 'fLaC' signature");
        }
        int channels = info.getChannels();
        int rate = info.getSampleRate();
        int bits = info.getBitsPerSample();
        long declared = info.getTotalSamples();
        if (rate < WavReader.MIN_SAMPLE_RATE || rate > WavReader.MAX_SAMPLE_RATE) {
            throw new AudioFormatException(name, "sample rate " + rate + " Hz is outside [" + WavReader.MIN_SAMPLE_RATE
                    + ", " + WavReader.MAX_SAMPLE_RATE + "] Hz");
        }
        if (declared > Integer.MAX_VALUE - 8) {
            throw new AudioFormatException(name, "STREAMINFO declares " + declared + " samples, more than a Java array holds");
        }
        double scale = 1.0 / Math.scalb(1.0, bits - 1);
        byte[] expectedMd5 = Arrays.copyOfRange(bytes, MD5_OFFSET, MD5_OFFSET + 16);
        MessageDigest md5 = md5();
        int sampleBytes = (bits + 7) / 8;
        byte[] frameBytes = new byte[0];
        float[] mono = new float[declared > 0 ? (int) declared : 1 << 16]; // (S), grows when the length is unknown
        int n = 0;
        for (Frame frame = decoder.readNextFrame(); frame != null; frame = decoder.readNextFrame()) {
            ChannelData[] data = decoder.getChannelData();
            int block = frame.header.blockSize;
            if (n + block > mono.length) {
                if (declared > 0) {
                    throw new AudioFormatException(name, "frame at sample " + n + " runs past the " + declared
                            + " samples STREAMINFO declares");
                }
                mono = Arrays.copyOf(mono, Math.max(mono.length * 2, n + block));
            }
            if (frameBytes.length < block * channels * sampleBytes) {
                frameBytes = new byte[block * channels * sampleBytes];
            }
            int p = 0;
            for (int i = 0; i < block; i++) {
                long sum = 0;
                for (int c = 0; c < channels; c++) {
                    int v = data[c].getOutput()[i];
                    sum += v;
                    for (int k = 0; k < sampleBytes; k++, p++) {
                        frameBytes[p] = (byte) (v >> (8 * k));
                    }
                }
                mono[n + i] = (float) (channels == 1 ? sum * scale : sum * scale / channels);
            }
            md5.update(frameBytes, 0, p);
            n += block;
        }
        if (decoder.getBadFrames() > 0) {
            throw new AudioFormatException(name, decoder.getBadFrames() + " damaged frame(s) (bad sync, header or CRC)");
        }
        if (declared > 0 && n != declared) {
            throw new AudioFormatException(name, "decoded " + n + " of the " + declared
                    + " samples STREAMINFO declares: the file is truncated");
        }
        if (n == 0) {
            throw new AudioFormatException(name, "no audio: the stream holds no frames");
        }
        if (!Arrays.equals(expectedMd5, new byte[16]) && !Arrays.equals(expectedMd5, md5.digest())) {
            throw new AudioFormatException(name, "decoded audio does not match the MD5 signature in STREAMINFO:"
                    + " the file is damaged");
        }
        return new AudioClip(n == mono.length ? mono : Arrays.copyOf(mono, n), rate, channels,
                encodingFor(bits), name);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides MD5", e);
        }
    }

    /** The PCM encoding whose container holds {@code bits}: 8, 16, 24 or 32. */
    private static WavEncoding encodingFor(int bits) {
        if (bits <= 8) {
            return WavEncoding.PCM_U8;
        }
        if (bits <= 16) {
            return WavEncoding.PCM_S16;
        }
        return bits <= 24 ? WavEncoding.PCM_S24 : WavEncoding.PCM_S32;
    }

    static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
