package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFormatException;
import dev.ssam.ops.audio.WavEncoding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PCM samples of a SoundFont 2 file (RIFF {@code sfbk}): the 16-bit {@code smpl} chunk cut by
 * the {@code shdr} sample headers. No synthesis: each sample is the recorded sound as stored.
 *
 * <pre>{@code
 * SoundFont sf = SoundFont.read(Path.of("Black_Pearl_4_LV2.sf2"));
 * AudioClip kick = sf.samples().getFirst().clip();     // "36-Pearl22Kick-3", 48 kHz mono
 * }</pre>
 */
final class SoundFont {
    private static final int SHDR_BYTES = 46;
    private static final int NAME_BYTES = 20;
    /** sampleType values: mono, right, left, linked; 0x8000 marks ROM samples (no data here). */
    private static final int TYPE_RIGHT = 2;
    private static final int TYPE_ROM = 0x8000;

    private final Path file;
    private final ByteBuffer smpl;
    private final List<Sample> samples;

    /**
     * One sample header.
     *
     * @param name  the sample name (up to 20 characters)
     * @param start first sample index in {@code smpl}
     * @param end   one past the last sample index
     * @param rate  sample rate in Hz
     */
    record Sample(String name, int start, int end, int rate) {
    }

    private SoundFont(Path file, ByteBuffer smpl, List<Sample> samples) {
        this.file = file;
        this.smpl = smpl;
        this.samples = samples;
    }

    /** Parses the file's chunks; right channels of stereo pairs and ROM samples are left out. */
    static SoundFont read(Path file) throws IOException {
        String name = file.toString();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < 12 || !id(b, 0).equals("RIFF") || !id(b, 8).equals("sfbk")) {
            throw new AudioFormatException(name, "not a SoundFont 2 file: expected RIFF 'sfbk'");
        }
        ByteBuffer smpl = null;
        ByteBuffer shdr = null;
        int pos = 12;
        while (pos + 8 <= b.limit()) {
            String id = id(b, pos);
            long size = b.getInt(pos + 4) & 0xFFFF_FFFFL;
            int body = pos + 8;
            if (size > b.limit() - body) {
                throw new AudioFormatException(name, "chunk '" + id + "' at byte " + pos + " runs past the end of the file");
            }
            if (id.equals("LIST")) {
                pos = body + 4; // descend: the sub-chunks follow the list type
                continue;
            }
            if (id.equals("smpl")) {
                smpl = b.slice(body, (int) size).order(ByteOrder.LITTLE_ENDIAN);
            } else if (id.equals("shdr")) {
                shdr = b.slice(body, (int) size).order(ByteOrder.LITTLE_ENDIAN);
            }
            pos = (int) (body + size + (size & 1));
        }
        if (smpl == null || shdr == null) {
            throw new AudioFormatException(name, "missing " + (smpl == null ? "'smpl'" : "'shdr'") + " chunk");
        }
        int frames = smpl.limit() / 2;
        List<Sample> out = new ArrayList<>();
        for (int p = 0; p + SHDR_BYTES <= shdr.limit() - SHDR_BYTES; p += SHDR_BYTES) { // the last header is EOS
            byte[] raw = new byte[NAME_BYTES];
            shdr.get(p, raw);
            String sampleName = new String(raw, StandardCharsets.ISO_8859_1);
            int zero = sampleName.indexOf('\0');
            sampleName = (zero >= 0 ? sampleName.substring(0, zero) : sampleName).trim();
            int start = shdr.getInt(p + 20);
            int end = shdr.getInt(p + 24);
            int rate = shdr.getInt(p + 36);
            int type = shdr.getShort(p + 44) & 0xFFFF;
            if ((type & TYPE_ROM) != 0 || type == TYPE_RIGHT) {
                continue;
            }
            if (start < 0 || end <= start || end > frames || rate <= 0) {
                throw new AudioFormatException(name, "sample '" + sampleName + "' has bad bounds [" + start + ", " + end
                        + ") or rate " + rate + " (smpl holds " + frames + " samples)");
            }
            out.add(new Sample(sampleName, start, end, rate));
        }
        return new SoundFont(file, smpl, List.copyOf(out));
    }

    /** The usable samples, in header order. */
    List<Sample> samples() {
        return samples;
    }

    /** Decodes one sample to floats (16-bit divided by 32768). */
    AudioClip clip(Sample s) {
        float[] pcm = new float[s.end() - s.start()]; // (S)
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = smpl.getShort(2 * (s.start() + i)) / 32768f;
        }
        return new AudioClip(pcm, s.rate(), 1, WavEncoding.PCM_S16, file + "#" + s.name());
    }

    private static String id(ByteBuffer b, int p) {
        byte[] four = new byte[4];
        b.get(p, four);
        return new String(four, StandardCharsets.ISO_8859_1);
    }
}
