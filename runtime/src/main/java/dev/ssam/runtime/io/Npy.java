package dev.ssam.runtime.io;

import dev.ssam.runtime.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes float32 tensors as numpy {@code .npy} files (format 1.0, little-endian {@code <f4}, C order). */
public final class Npy {
    private Npy() {
    }

    /** Writes {@code t} to {@code file} atomically (temporary file, then rename). */
    public static void write(Path file, Tensor t) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        int[] s = t.shape();
        for (int k = 0; k < s.length; k++) {
            shape.append(s[k]).append(s.length == 1 ? "," : (k + 1 < s.length ? ", " : ""));
        }
        shape.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buf.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        float[] d = t.data();
        for (int k = t.offset(), end = t.offset() + t.size(); k < end; k++) {
            buf.putFloat(d[k]);
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(buf.array());
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
