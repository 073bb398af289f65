package dev.ssam.ops.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.StreamState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Decodes Ogg Vorbis files to mono float samples ({@link AudioClip}) with JOrbis ({@code
 * com.googlecode.soundlibs:jorbis}).
 *
 * <p>The decoder's float output is kept as it is (Vorbis is lossy, so samples may overshoot [-1,
 * 1] slightly); channels are averaged to mono. The clip's {@link AudioClip#encoding()} is {@link
 * WavEncoding#FLOAT32}. The length is the end-of-stream page's granule position (the encoder's
 * sample count), as libvorbisfile gives it. Only the first logical bitstream is decoded: chained streams (several
 * songs in one file) end at the first end-of-stream page, as the single-clip files this project
 * reads never chain.
 *
 * <p>Malformed input is an {@link AudioFormatException} naming the source: no {@code OggS} page,
 * an Ogg stream that is not Vorbis (Opus and Speex are named), damaged headers, a hole in the
 * data (a lost or corrupt page), a stream that ends inside a page without its end-of-stream page
 * (a truncated file), a sample rate outside the range {@link WavReader} accepts, and empty audio.
 * A file that ends on a page boundary without the EOS flag (some tuxpaint recordings) decodes
 * whole, as libvorbisfile decodes it; a file cut exactly at a page boundary cannot be told apart.
 *
 * <pre>{@code
 * AudioClip clip = OggVorbisReader.read(Path.of("Amazing.ogg"));   // e.g. 44.1 kHz mono
 * }</pre>
 */
public final class OggVorbisReader {
    private static final byte[] SIGNATURE = {'O', 'g', 'g', 'S'};
    private static final int HEADER_PACKETS = 3;

    private OggVorbisReader() {
    }

    /**
     * Reads and decodes an Ogg Vorbis file.
     *
     * @throws AudioFormatException when the file is not an Ogg Vorbis stream this reader decodes
     * @throws IOException          when the file cannot be read
     */
    public static AudioClip read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Decodes the bytes of an Ogg Vorbis file; {@code name} stands for the source in messages. */
    public static AudioClip decode(byte[] bytes, String name) throws AudioFormatException {
        if (!FlacReader.startsWith(bytes, SIGNATURE)) {
            throw new AudioFormatException(name, "not an Ogg file: it does not start with 'OggS'");
        }
        try {
            return decodeStream(bytes, name);
        } catch (AudioFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // JOrbis reports some damage only as index errors deep in the codebook decoding.
            throw new AudioFormatException(name, "corrupt Ogg Vorbis stream (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private static AudioClip decodeStream(byte[] bytes, String name) throws AudioFormatException {
        OggPages ogg = new OggPages(bytes, name);
        Info info = new Info();
        Comment comment = new Comment();
        info.init();
        comment.init();
        int headers = 0;
        while (headers < HEADER_PACKETS) {
            int got = ogg.stream.packetout(ogg.packet);
            if (got == 0) {
                int more = ogg.sync.pageout(ogg.page);
                if (more != 1) {
                    throw new AudioFormatException(name, "the file ends inside the Vorbis headers (" + headers + " of "
                            + HEADER_PACKETS + " read): it is truncated or damaged");
                }
                ogg.stream.pagein(ogg.page);
                continue;
            }
            if (got < 0 || info.synthesis_headerin(comment, ogg.packet) < 0) {
                if (headers == 0) {
                    throw new AudioFormatException(name, "an Ogg stream that is not Vorbis (" + codecName(ogg.packet)
                            + "); only Ogg Vorbis is supported");
                }
                throw new AudioFormatException(name, "damaged Vorbis header packet " + (headers + 1));
            }
            headers++;
        }
        if (info.rate < WavReader.MIN_SAMPLE_RATE || info.rate > WavReader.MAX_SAMPLE_RATE) {
            throw new AudioFormatException(name, "sample rate " + info.rate + " Hz is outside [" + WavReader.MIN_SAMPLE_RATE
                    + ", " + WavReader.MAX_SAMPLE_RATE + "] Hz");
        }
        float[] mono = decodeAudio(ogg, info, name);
        if (mono.length == 0) {
            throw new AudioFormatException(name, "no audio: the Vorbis stream holds no samples");
        }
        return new AudioClip(mono, info.rate, info.channels, WavEncoding.FLOAT32, name);
    }

    /** Runs the synthesis loop over the remaining pages up to the end-of-stream page. */
    private static float[] decodeAudio(OggPages ogg, Info info, String name) throws AudioFormatException {
        StreamState stream = ogg.stream;
        Packet packet = ogg.packet;
        DspState dsp = new DspState();
        dsp.synthesis_init(info);
        Block block = new Block(dsp);
        block.init(dsp);
        float[][][] pcm = new float[1][][];
        int[] offsets = new int[info.channels];
        int channels = info.channels;
        float[] mono = new float[1 << 16]; // (S), grows
        int n = 0;
        boolean endOfStream = false;
        long last = -1;
        while (!endOfStream && ogg.nextPage(n)) {
            for (int got = stream.packetout(packet); got != 0; got = stream.packetout(packet)) {
                if (got < 0) {
                    throw new AudioFormatException(name, "a hole in the packets after " + n + " samples");
                }
                if (block.synthesis(packet) == 0) {
                    dsp.synthesis_blockin(block);
                }
                for (int s = dsp.synthesis_pcmout(pcm, offsets); s > 0; s = dsp.synthesis_pcmout(pcm, offsets)) {
                    if (n + s > mono.length) {
                        mono = Arrays.copyOf(mono, Math.max(mono.length * 2, n + s));
                    }
                    for (int i = 0; i < s; i++) {
                        float sum = 0;
                        for (int c = 0; c < channels; c++) {
                            sum += pcm[0][c][offsets[c] + i];
                        }
                        mono[n + i] = channels == 1 ? sum : sum / channels;
                    }
                    n += s;
                    dsp.synthesis_read(s);
                }
            }
            endOfStream = ogg.page.eos() != 0;
            last = ogg.page.granulepos();
        }
        // JOrbis returns the whole last block; the final granule position says where the audio ends.
        return Arrays.copyOf(mono, last > 0 && last < n ? (int) last : n);
    }

    /** The codec an Ogg stream's first packet names, for the message when it is not Vorbis. */
    private static String codecName(Packet packet) {
        byte[] b = packet.packet_base;
        int p = packet.packet;
        if (b != null && packet.bytes >= 8) {
            String head = new String(b, p, 8, StandardCharsets.ISO_8859_1);
            if (head.startsWith("OpusHead")) {
                return "Ogg Opus";
            }
            if (head.startsWith("Speex")) {
                return "Ogg Speex";
            }
            if (head.startsWith("\u007fFLAC")) {
                return "Ogg FLAC";
            }
        }
        return "unknown codec";
    }
}
