package dev.ssam.ops.audio;

/**
 * The sample encodings {@link WavReader} decodes and {@link WavWriter} writes, with the scale each
 * maps to floats in [-1, 1] (torchaudio's convention: signed N-bit integers divide by 2^(N-1),
 * unsigned 8-bit is (x - 128) / 128, floats are taken as stored).
 *
 * <pre>{@code
 * byte[] wav = WavWriter.encode(samples, 1, 16_000, WavEncoding.PCM_S16);
 * }</pre>
 */
public enum WavEncoding {
    /** WAVE_FORMAT_PCM, 8-bit unsigned, offset 128. */
    PCM_U8(WavEncoding.TAG_PCM, 8),
    /** WAVE_FORMAT_PCM, 16-bit signed little-endian. */
    PCM_S16(WavEncoding.TAG_PCM, 16),
    /** WAVE_FORMAT_PCM, 24-bit signed little-endian (3 bytes a sample). */
    PCM_S24(WavEncoding.TAG_PCM, 24),
    /** WAVE_FORMAT_PCM, 32-bit signed little-endian. */
    PCM_S32(WavEncoding.TAG_PCM, 32),
    /** WAVE_FORMAT_IEEE_FLOAT, 32-bit. */
    FLOAT32(WavEncoding.TAG_IEEE_FLOAT, 32),
    /** WAVE_FORMAT_IEEE_FLOAT, 64-bit (narrowed to float32 on decoding). */
    FLOAT64(WavEncoding.TAG_IEEE_FLOAT, 64);

    /** WAVE_FORMAT_PCM. */
    public static final int TAG_PCM = 0x0001;
    /** WAVE_FORMAT_IEEE_FLOAT. */
    public static final int TAG_IEEE_FLOAT = 0x0003;
    /** WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the sub-format GUID. */
    public static final int TAG_EXTENSIBLE = 0xFFFE;

    private final int formatTag;
    private final int bitsPerSample;

    WavEncoding(int formatTag, int bitsPerSample) {
        this.formatTag = formatTag;
        this.bitsPerSample = bitsPerSample;
    }

    /** The WAVE format tag (1 for PCM, 3 for IEEE float). */
    public int formatTag() {
        return formatTag;
    }

    /** Bits of one sample as stored. */
    public int bitsPerSample() {
        return bitsPerSample;
    }

    /** Bytes of one sample as stored. */
    public int bytesPerSample() {
        return bitsPerSample / 8;
    }

    /** Whether this is a floating-point encoding. */
    public boolean isFloat() {
        return formatTag == TAG_IEEE_FLOAT;
    }

    /**
     * The integer value that maps to 1.0: 2^(N-1) for N-bit PCM (128 for unsigned 8-bit, whose
     * zero is 128), 1 for floats.
     */
    public double fullScale() {
        return isFloat() ? 1.0 : Math.scalb(1.0, bitsPerSample - 1);
    }

    /** The encoding with this tag and bit depth, or {@code null} when there is none. */
    public static WavEncoding of(int formatTag, int bitsPerSample) {
        for (WavEncoding e : values()) {
            if (e.formatTag == formatTag && e.bitsPerSample == bitsPerSample) {
                return e;
            }
        }
        return null;
    }

    /** A readable name for a format tag, for error messages ({@code 0x0006 (A-law)}). */
    public static String describeTag(int formatTag) {
        String name = switch (formatTag) {
            case 0x0000 -> "unknown";
            case TAG_PCM -> "PCM";
            case 0x0002 -> "Microsoft ADPCM";
            case TAG_IEEE_FLOAT -> "IEEE float";
            case 0x0006 -> "A-law";
            case 0x0007 -> "mu-law";
            case 0x0011 -> "IMA ADPCM";
            case 0x0031 -> "GSM 6.10";
            case 0x0050 -> "MPEG";
            case 0x0055 -> "MPEG Layer 3";
            case 0x0161, 0x0162, 0x0163 -> "Windows Media Audio";
            case 0x00FF, 0x1610 -> "AAC";
            case 0xF1AC -> "FLAC";
            case TAG_EXTENSIBLE -> "WAVE_FORMAT_EXTENSIBLE";
            default -> "unregistered";
        };
        return String.format("0x%04X (%s)", formatTag, name);
    }
}
