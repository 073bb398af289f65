package dev.ssam.ops.audio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads an audio file of any format this project decodes, choosing the decoder by the file's
 * signature (its first four bytes), never by its name: {@code RIFF} ({@link WavReader}), {@code
 * fLaC} ({@link FlacReader}), {@code OggS} ({@link OggOpusReader} when the first packet is {@code
 * OpusHead}, else {@link OggVorbisReader}), {@code FORM} ({@link AiffReader}). Every clip is a float mono mix at the file's own sample rate.
 *
 * <pre>{@code
 * AudioClip clip = AudioFiles.read(Path.of("Amazing.ogg"));
 * AudioClip at16k = Resampler.toRate(backend, clip, 16_000);
 * }</pre>
 */
public final class AudioFiles {
    /** File name extensions of the formats {@link #read} decodes, lower case with the dot. */
    public static final List<String> EXTENSIONS = List.of(".wav", ".flac", ".ogg", ".opus", ".aif", ".aiff");

    private AudioFiles() {
    }

    /**
     * Reads and decodes an audio file.
     *
     * @throws AudioFormatException when the file is empty, of an unknown format or malformed (the
     *                              message names the file and the problem)
     * @throws IOException          when the file cannot be read
     */
    public static AudioClip read(Path file) throws IOException {
        String name = file.toString();
        long size = Files.size(file);
        if (size > WavReader.MAX_FILE_BYTES) {
            throw new AudioFormatException(name, "file is " + size + " bytes, at most " + WavReader.MAX_FILE_BYTES
                    + " can be decoded");
        }
        return decode(Files.readAllBytes(file), name);
    }

    /** Decodes the bytes of an audio file; {@code name} stands for the source in messages. */
    public static AudioClip decode(byte[] bytes, String name) throws AudioFormatException {
        if (bytes.length < 4) {
            throw new AudioFormatException(name, "file is " + bytes.length
                    + " bytes, too short for any audio format (WAV, FLAC, Ogg Vorbis, Ogg Opus, AIFF)");
        }
        String magic = new String(bytes, 0, 4, StandardCharsets.ISO_8859_1);
        return switch (magic) {
            case "RIFF", "RIFX", "RF64" -> WavReader.decode(bytes, name);
            case "fLaC" -> FlacReader.decode(bytes, name);
            case "OggS" -> OggOpusReader.isOpus(bytes) ? OggOpusReader.decode(bytes, name) : OggVorbisReader.decode(bytes, name);
            case "FORM" -> AiffReader.decode(bytes, name);
            default -> throw new AudioFormatException(name, "unrecognised audio format: starts with "
                    + describe(bytes) + "; expected 'RIFF' (WAV), 'fLaC' (FLAC), 'OggS' (Ogg Vorbis or Opus) or 'FORM' (AIFF)"
                    + hint(bytes));
        };
    }

    /** Whether the file name ends with one of {@link #EXTENSIONS} (case-insensitive). */
    public static boolean hasAudioExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS) {
            if (name.endsWith(ext)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(byte[] b) {
        boolean printable = true;
        for (int i = 0; i < 4; i++) {
            printable &= b[i] >= 0x20 && b[i] < 0x7F;
        }
        return printable ? "'" + new String(b, 0, 4, StandardCharsets.US_ASCII) + "'"
                : String.format("0x%02X%02X%02X%02X", b[0], b[1], b[2], b[3]);
    }

    /** A word on common formats that are recognisable but not decoded. */
    private static String hint(byte[] b) {
        if (b[0] == 'I' && b[1] == 'D' && b[2] == '3' || (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0) {
            return " (this looks like MP3, which is not supported)";
        }
        return "";
    }
}
