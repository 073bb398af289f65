package dev.ssam.model.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds {@code torch.save}-style archives for tests: a protocol-2 pickle written opcode by opcode
 * (the same opcodes torch.save emits) plus raw storages, so cases the golden checkpoint lacks
 * (strides, offsets, other dtypes, hostile globals, damage) can be tested without PyTorch.
 */
final class PthFixture {
    private final ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    private final Map<String, byte[]> storages = new LinkedHashMap<>();
    private String byteOrder = "little";

    PthFixture() {
        op(0x80, 2);
    }

    PthFixture op(int... bytes) {
        for (int b : bytes) {
            pickle.write(b);
        }
        return this;
    }

    PthFixture mark() {
        return op('(');
    }

    PthFixture global(String module, String name) {
        op('c');
        pickle.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PthFixture str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X', b.length & 0xff, b.length >>> 8 & 0xff, b.length >>> 16 & 0xff, b.length >>> 24);
        pickle.writeBytes(b);
        return this;
    }

    PthFixture integer(long v) {
        op('J', (int) (v & 0xff), (int) (v >>> 8 & 0xff), (int) (v >>> 16 & 0xff), (int) (v >>> 24 & 0xff));
        return this;
    }

    PthFixture ints(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return op('t');
    }

    /** Pushes {@code _rebuild_tensor_v2(storage(key), offset, size, stride, False, OrderedDict())}. */
    PthFixture tensor(String storageClass, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage").global("torch", storageClass).str(key).str("cpu").integer(numel).op('t').op('Q');
        integer(offset).ints(size).ints(stride).op(0x89);
        global("collections", "OrderedDict").op(')', 'R');
        return op('t', 'R');
    }

    PthFixture storage(String key, byte[] data) {
        storages.put(key, data);
        return this;
    }

    PthFixture byteOrder(String order) {
        byteOrder = order;
        return this;
    }

    byte[] pickleBytes() {
        return pickle.toByteArray();
    }

    /** Writes {@code archive/data.pkl} (the pickle ends with STOP), byteorder, version and storages. */
    Path write(Path file) throws IOException {
        op('.');
        return write(file, pickle.toByteArray());
    }

    /** Writes the archive with {@code pkl} as data.pkl, as given (no STOP appended). */
    Path write(Path file, byte[] pkl) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            put(zip, "archive/data.pkl", pkl);
            put(zip, "archive/byteorder", byteOrder.getBytes(StandardCharsets.US_ASCII));
            put(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                put(zip, "archive/data/" + e.getKey(), e.getValue());
            }
        }
        return file;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
