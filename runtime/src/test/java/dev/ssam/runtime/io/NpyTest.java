package dev.ssam.runtime.io;

import dev.ssam.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void writesNumpyVersion1HeaderAndLittleEndianData() throws IOException {
        Path f = dir.resolve("x.npy");
        Npy.write(f, Tensor.of(new float[] {1f, -2f, 3.5f, 0f, 5f, 6f}, 2, 3));
        byte[] b = Files.readAllBytes(f);
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        int hl = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + hl) % 64, "header must align data to 64 bytes");
        String header = new String(b, 10, hl, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<f4'") && header.contains("'shape': (2, 3)"), header);
        ByteBuffer data = ByteBuffer.wrap(b, 10 + hl, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(-2f, data.getFloat(10 + hl + 4));
        assertEquals(24, b.length - 10 - hl);
    }

    @Test
    void oneDimensionalShapeHasTrailingComma() throws IOException {
        Path f = dir.resolve("v.npy");
        Npy.write(f, Tensor.of(new float[] {1f, 2f}, 2));
        String header = new String(Files.readAllBytes(f), 10, 54, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (2,)"), header);
    }
}
