package dev.ssam.ops.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds RIFF/WAVE byte sequences chunk by chunk, malformed ones included, for reader tests. */
final class RiffBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private RiffBytes(String riff, String form) {
        ascii(riff);
        u32(0);
        ascii(form);
    }

    /** A RIFF/WAVE header; the RIFF size is patched in {@link #build()}. */
    static RiffBytes wave() {
        return new RiffBytes("RIFF", "WAVE");
    }

    static RiffBytes of(String riff, String form) {
        return new RiffBytes(riff, form);
    }

    /** A chunk with its real size and a pad byte when the size is odd. */
    RiffBytes chunk(String id, byte[] body) {
        return chunk(id, body.length, body);
    }

    /** A chunk that declares {@code declared} bytes but carries {@code body} (for truncation cases). */
    RiffBytes chunk(String id, long declared, byte[] body) {
        ascii(id);
        u32(declared);
        out.writeBytes(body);
        if (declared == body.length && (body.length & 1) == 1) {
            out.write(0);
        }
        return this;
    }

    /** A 16-byte fmt chunk. */
    RiffBytes fmt(int tag, int channels, long rate, int blockAlign, int bits) {
        return chunk("fmt ", fmtBody(tag, channels, rate, blockAlign, bits));
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with sub-format tag {@code subTag} (standard GUID unless {@code guidTail} given). */
    RiffBytes fmtExtensible(int subTag, int channels, long rate, int blockAlign, int bits, byte[] guidTail) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.put(fmtBody(0xFFFE, channels, rate, blockAlign, bits));
        b.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) subTag);
        b.put(guidTail != null ? guidTail : new byte[] {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00,
            0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        return chunk("fmt ", b.array());
    }

    static byte[] fmtBody(int tag, int channels, long rate, int blockAlign, int bits) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) tag).putShort((short) channels).putInt((int) rate).putInt((int) (rate * blockAlign))
                .putShort((short) blockAlign).putShort((short) bits);
        return b.array();
    }

    /** Raw bytes appended as they are. */
    RiffBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] build() {
        byte[] b = out.toByteArray();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, b.length - 8);
        return b;
    }

    /** Little-endian 16-bit samples. */
    static byte[] pcm16(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private void ascii(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private void u32(long v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }
}
