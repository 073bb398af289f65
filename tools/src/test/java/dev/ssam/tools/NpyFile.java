package dev.ssam.tools;

import dev.ssam.runtime.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A test-side reader of {@code .npy} files (version 1.0, {@code <f4}, C order), independent of the writer. */
final class NpyFile {
    private static final Pattern SHAPE = Pattern.compile("'shape': \\(([^)]*)\\)");

    private NpyFile() {
    }

    /** Parses the header and the little-endian floats. */
    static Tensor read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        b.get(magic);
        if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(file + ": not an npy file");
        }
        if (b.get() != 1 || b.get() != 0) {
            throw new IOException(file + ": expected npy version 1.0");
        }
        int headerLen = Short.toUnsignedInt(b.getShort());
        byte[] h = new byte[headerLen];
        b.get(h);
        String header = new String(h, StandardCharsets.US_ASCII);
        if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False") || !header.endsWith("\n")
                || (10 + headerLen) % 64 != 0) {
            throw new IOException(file + ": unexpected header " + header);
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": no shape in " + header);
        }
        int[] shape = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        int n = Tensor.sizeOf(shape);
        if (b.remaining() != 4 * n) {
            throw new IOException(file + ": " + b.remaining() + " data bytes, expected " + 4 * n);
        }
        float[] d = new float[n];
        b.asFloatBuffer().get(d);
        return Tensor.of(d, shape);
    }
}
