package dev.ssam.model;

import dev.ssam.runtime.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files byte by byte for tests, including ones the production writer never
 * makes: other dtypes, hand-edited headers. Each tensor is F32 unless {@link #dtype} says otherwise.
 */
final class SafetensorsFixture {
    private record Item(String name, String dtype, int[] shape, byte[] data) {
    }

    private final List<Item> items = new ArrayList<>();

    /** All tensors of {@code named}, F32. */
    static SafetensorsFixture of(Map<String, Tensor> named) {
        SafetensorsFixture f = new SafetensorsFixture();
        named.forEach(f::f32);
        return f;
    }

    SafetensorsFixture f32(String name, Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.toArray()) {
            b.putFloat(v);
        }
        items.add(new Item(name, "F32", t.shape(), b.array()));
        return this;
    }

    /** Replaces {@code name} by raw bytes of {@code dtype}. */
    SafetensorsFixture dtype(String name, String dtype, int[] shape, byte[] data) {
        for (int k = 0; k < items.size(); k++) {
            if (items.get(k).name().equals(name)) {
                items.set(k, new Item(name, dtype, shape, data));
                return this;
            }
        }
        items.add(new Item(name, dtype, shape, data));
        return this;
    }

    SafetensorsFixture remove(String name) {
        items.removeIf(i -> i.name().equals(name));
        return this;
    }

    /** The header JSON this fixture writes (offsets included). */
    String header() {
        StringBuilder h = new StringBuilder("{");
        long off = 0;
        for (Item i : items) {
            if (h.length() > 1) {
                h.append(',');
            }
            h.append('"').append(i.name()).append("\":{\"dtype\":\"").append(i.dtype()).append("\",\"shape\":")
                    .append(Arrays.toString(i.shape()).replace(" ", "")).append(",\"data_offsets\":[").append(off)
                    .append(',').append(off + i.data().length).append("]}");
            off += i.data().length;
        }
        return h.append('}').toString();
    }

    void write(Path file) throws IOException {
        write(file, header());
    }

    /** Writes the data with {@code header} in place of the real one. */
    void write(Path file, String header) throws IOException {
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length).array());
            out.write(hb);
            for (Item i : items) {
                out.write(i.data());
            }
        }
    }

    /** Splits {@code named} over shards and writes them plus an index; returns the index path. */
    static Path writeSharded(Path dir, Map<String, Tensor> named, int shards) throws IOException {
        List<String> names = new ArrayList<>(named.keySet());
        Map<String, String> weightMap = new LinkedHashMap<>();
        int per = (names.size() + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            String file = String.format("m-%05d-of-%05d.safetensors", s + 1, shards);
            SafetensorsFixture f = new SafetensorsFixture();
            for (String n : names.subList(s * per, Math.min(names.size(), (s + 1) * per))) {
                f.f32(n, named.get(n));
                weightMap.put(n, file);
            }
            f.write(dir.resolve(file));
        }
        StringBuilder idx = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            idx.append(first ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
            first = false;
        }
        Path index = dir.resolve("m.safetensors.index.json");
        Files.writeString(index, idx.append("}}").toString());
        return index;
    }
}
