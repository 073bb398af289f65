package dev.ssam.ops.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.StreamState;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusMSDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Decodes Ogg Opus files (RFC 7845) to mono float samples at 48 kHz ({@link AudioClip}) with
 * Concentus ({@code io.github.jaredmdobson:concentus}, a pure-Java port of libopus); the Ogg
 * pages are split into packets with JOgg (part of JOrbis).
 *
 * <p>As opusfile and {@code opusdec --rate 48000} do: the output rate is always 48 kHz (Opus
 * decodes at 48 kHz whatever the {@code OpusHead} input rate says); the first {@code pre-skip}
 * samples are dropped; the length is the last page's granule position minus the pre-skip; the
 * header's output gain (Q7.8 dB) is applied. Channel mapping family 0 (mono or stereo) uses one
 * decoder, families 1 and 255 a multistream decoder; channels are averaged to mono. Concentus
 * decodes to 16-bit samples, so the clip's {@link AudioClip#encoding()} is {@link
 * WavEncoding#PCM_S16} (opusdec's float output differs by up to one 16-bit step plus rounding
 * inside the decoder). Only the first logical bitstream is decoded (no chained streams).
 *
 * <p>Malformed input is an {@link AudioFormatException} naming the source: no {@code OggS} page,
 * a first packet that is not {@code OpusHead}, a bad header (version, channels, mapping), a damaged
 * packet, a hole in the data, a truncated last page, and empty audio.
 *
 * <pre>{@code
 * AudioClip clip = OggOpusReader.read(Path.of("track17.opus"));   // 48 kHz
 * }</pre>
 */
public final class OggOpusReader {
    /** The rate every Opus stream decodes at. */
    public static final int SAMPLE_RATE = 48_000;
    private static final byte[] SIGNATURE = {'O', 'g', 'g', 'S'};
    private static final String HEAD = "OpusHead";
    /** The longest Opus packet: 120 ms at 48 kHz. */
    private static final int MAX_FRAME = 5_760;

    private OggOpusReader() {
    }

    /** Reads and decodes an Ogg Opus file. */
    public static AudioClip read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    /**
     * Whether {@code bytes} are an Ogg stream whose first packet is an {@code OpusHead} (the
     * first page's body starts right after its 27-byte header and segment table).
     */
    public static boolean isOpus(byte[] bytes) {
        if (!FlacReader.startsWith(bytes, SIGNATURE) || bytes.length < 27) {
            return false;
        }
        int body = 27 + (bytes[26] & 0xFF);
        return bytes.length >= body + HEAD.length()
                && new String(bytes, body, HEAD.length(), StandardCharsets.ISO_8859_1).equals(HEAD);
    }

    /** Decodes the bytes of an Ogg Opus file; {@code name} stands for the source in messages. */
    public static AudioClip decode(byte[] bytes, String name) throws AudioFormatException {
        if (!FlacReader.startsWith(bytes, SIGNATURE)) {
            throw new AudioFormatException(name, "not an Ogg file: it does not start with 'OggS'");
        }
        try {
            return decodeStream(bytes, name);
        } catch (AudioFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AudioFormatException(name, "corrupt Ogg Opus stream (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    /** The fields of an {@code OpusHead} packet this reader uses. */
    private record Head(int channels, int preSkip, float gain, int family, int streams, int coupled, short[] mapping) {
    }

    private static AudioClip decodeStream(byte[] bytes, String name) throws AudioFormatException {
        OggPages ogg = new OggPages(bytes, name);
        if (ogg.stream.packetout(ogg.packet) != 1) {
            throw new AudioFormatException(name, "the first Ogg page holds no complete packet");
        }
        Head head = head(ogg.packet, name);
        return new AudioClip(decodeAudio(ogg, head, name), SAMPLE_RATE, head.channels(),
                WavEncoding.PCM_S16, name);
    }

    private static Head head(Packet p, String name) throws AudioFormatException {
        byte[] b = p.packet_base;
        int o = p.packet;
        if (p.bytes < 19 || !new String(b, o, HEAD.length(), StandardCharsets.ISO_8859_1).equals(HEAD)) {
            throw new AudioFormatException(name, "an Ogg stream that is not Opus (its first packet is not 'OpusHead')");
        }
        int version = b[o + 8] & 0xFF;
        if (version >> 4 != 0) {
            throw new AudioFormatException(name, "OpusHead version " + version + ", expected 0..15 (major version 0)");
        }
        int channels = b[o + 9] & 0xFF;
        int preSkip = (b[o + 10] & 0xFF) | (b[o + 11] & 0xFF) << 8;
        int gainQ8 = (short) ((b[o + 16] & 0xFF) | (b[o + 17] & 0xFF) << 8);
        int family = b[o + 18] & 0xFF;
        if (channels < 1) {
            throw new AudioFormatException(name, "OpusHead gives 0 channels");
        }
        float gain = (float) Math.pow(10, gainQ8 / (20.0 * 256.0));
        if (family == 0) {
            if (channels > 2) {
                throw new AudioFormatException(name, "OpusHead mapping family 0 with " + channels + " channels, expected 1 or 2");
            }
            return new Head(channels, preSkip, gain, family, 1, channels - 1, null);
        }
        if (p.bytes < 21 + channels) {
            throw new AudioFormatException(name, "OpusHead of mapping family " + family + " is " + p.bytes
                    + " bytes, too short for its channel mapping table");
        }
        int streams = b[o + 19] & 0xFF;
        int coupled = b[o + 20] & 0xFF;
        short[] mapping = new short[channels];
        for (int c = 0; c < channels; c++) {
            mapping[c] = (short) (b[o + 21 + c] & 0xFF);
        }
        if (streams < 1 || coupled > streams) {
            throw new AudioFormatException(name, "OpusHead has " + streams + " streams and " + coupled
                    + " coupled, expected at least one stream and no more coupled than streams");
        }
        return new Head(channels, preSkip, gain, family, streams, coupled, mapping);
    }

    /** Decodes every audio packet after the tags packet up to the end-of-stream page. */
    private static float[] decodeAudio(OggPages ogg, Head head, String name) throws AudioFormatException {
        StreamState stream = ogg.stream;
        Packet packet = ogg.packet;
        OpusDecoder mono;
        OpusMSDecoder multi;
        try {
            mono = head.family() == 0 ? new OpusDecoder(SAMPLE_RATE, head.channels()) : null;
            multi = head.family() == 0 ? null
                    : OpusMSDecoder.create(SAMPLE_RATE, head.channels(), head.streams(), head.coupled(), head.mapping());
        } catch (OpusException e) {
            throw new AudioFormatException(name, "Opus decoder rejects the header: " + e.getMessage());
        }
        int ch = head.channels();
        short[] pcm = new short[MAX_FRAME * ch]; // (frame, channel), channel fastest
        float[] out = new float[1 << 16]; // (S) 48 kHz mono before trimming, grows
        int n = 0;
        int packets = 0;
        long last = -1;
        boolean endOfStream = false;
        boolean firstPage = true;
        while (!endOfStream && (firstPage || ogg.nextPage(n))) {
            firstPage = false;
            for (int got = stream.packetout(packet); got != 0; got = stream.packetout(packet)) {
                if (got < 0) {
                    throw new AudioFormatException(name, "a hole in the packets after " + n + " samples");
                }
                if (packets++ == 0) {
                    continue; // OpusTags
                }
                int frames;
                try {
                    frames = mono != null
                            ? mono.decode(packet.packet_base, packet.packet, packet.bytes, pcm, 0, MAX_FRAME, false)
                            : multi.decodeMultistream(packet.packet_base, packet.packet, packet.bytes, pcm, 0, MAX_FRAME, 0);
                } catch (OpusException e) {
                    throw new AudioFormatException(name, "damaged Opus packet after " + n + " samples: " + e.getMessage());
                }
                if (frames < 0) {
                    throw new AudioFormatException(name, "damaged Opus packet after " + n + " samples (error " + frames + ")");
                }
                if (n + frames > out.length) {
                    out = Arrays.copyOf(out, Math.max(out.length * 2, n + frames));
                }
                float scale = head.gain() / (32768f * ch);
                for (int i = 0; i < frames; i++) {
                    int sum = 0;
                    for (int c = 0; c < ch; c++) {
                        sum += pcm[i * ch + c];
                    }
                    out[n + i] = sum * scale;
                }
                n += frames;
            }
            if (ogg.page.granulepos() >= 0) {
                last = ogg.page.granulepos();
            }
            endOfStream = ogg.page.eos() != 0;
        }
        if (packets < 1) {
            throw new AudioFormatException(name, "the file ends before the OpusTags packet: it is truncated");
        }
        // Granule positions count 48 kHz samples including the pre-skip; the last one says where the audio ends.
        long end = last >= 0 ? Math.min(n, last) : n;
        int from = Math.min(head.preSkip(), (int) end);
        if (end - from <= 0) {
            throw new AudioFormatException(name, "no audio: the Opus stream holds no samples after its pre-skip of "
                    + head.preSkip());
        }
        return Arrays.copyOfRange(out, from, (int) end);
    }
}
