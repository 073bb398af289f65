package dev.ssam.runtime.io;

import dev.ssam.runtime.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reader and writer of safetensors files: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets}, "__metadata__": {...}}}, then the raw data.
 *
 * <p>Files are memory-mapped in a shared {@link Arena} owned by this object; {@link #tensor}
 * widens F16, BF16 and F64 to F32 heap tensors. A sharded checkpoint is opened through its
 * {@code *.safetensors.index.json} ({@code weight_map}: tensor name to shard file). Every
 * structural problem (short file, header past the end, unknown dtype, offsets outside the data,
 * byte count not matching the shape) is a {@link FileFormatException} naming the file and tensor.
 *
 * <pre>{@code
 * try (Safetensors st = Safetensors.open(Path.of("tiny.safetensors.index.json"))) {
 *     Tensor w = st.tensor("blocks.0.mixer.in_proj.weight");   // (2E, D)
 * }
 * }</pre>
 */
public final class Safetensors implements AutoCloseable {

    /** Element types this reader understands. */
    public enum DType {
        F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }

        boolean isFloat() {
            return this == F32 || this == F16 || this == BF16 || this == F64;
        }
    }

    /** One tensor's header entry: its dtype, shape and byte range inside {@code file}'s data section. */
    public record Entry(String name, DType dtype, int[] shape, Path file, long begin, long end) {
        public int numel() {
            return Tensor.sizeOf(shape);
        }
    }

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena = Arena.ofShared();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<Path, MemorySegment> data = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Safetensors(Path path) {
        this.path = path;
    }

    /**
     * Opens a single {@code .safetensors} file, or a sharded checkpoint through its
     * {@code .json} index.
     */
    public static Safetensors open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "weights file not found");
        }
        Safetensors st = new Safetensors(path);
        try {
            if (path.getFileName().toString().endsWith(".json")) {
                st.openIndex(path);
            } else {
                st.openFile(path);
            }
        } catch (IOException | RuntimeException e) {
            st.close();
            throw e;
        }
        return st;
    }

    private void openIndex(Path index) throws IOException {
        Map<String, Object> json;
        try {
            json = Json.parseObject(Files.readString(index));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(index, "not a valid safetensors index: " + e.getMessage(), e);
        }
        if (!(json.get("weight_map") instanceof Map<?, ?> map)) {
            throw new FileFormatException(index, "safetensors index has no \"weight_map\" object");
        }
        Map<Path, Boolean> shards = new LinkedHashMap<>();
        for (Object shard : map.values()) {
            shards.put(index.resolveSibling(String.valueOf(shard)), Boolean.TRUE);
        }
        for (Path shard : shards.keySet()) {
            openFile(shard);
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = String.valueOf(e.getKey());
            Entry entry = entries.get(name);
            Path shard = index.resolveSibling(String.valueOf(e.getValue()));
            if (entry == null || !entry.file().equals(shard)) {
                throw new FileFormatException(index, "index maps tensor '" + name + "' to " + shard.getFileName()
                        + " but that shard does not hold it");
            }
        }
    }

    private void openFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "safetensors shard not found");
        }
        MemorySegment seg;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
        long size = seg.byteSize();
        if (size < 8) {
            throw new FileFormatException(file, "truncated safetensors file: " + size + " bytes, no header length");
        }
        long headerLen = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
            throw new FileFormatException(file, "truncated or corrupt safetensors file: header length " + headerLen
                    + " but the file has " + size + " bytes");
        }
        byte[] hb = seg.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        Map<String, Object> header;
        try {
            header = Json.parseObject(new String(hb, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "corrupt safetensors header: " + e.getMessage(), e);
        }
        MemorySegment body = seg.asSlice(8 + headerLen);
        for (Map.Entry<String, Object> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue() instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                }
                continue;
            }
            Entry entry = parseEntry(file, name, e.getValue(), body.byteSize());
            if (entries.put(name, entry) != null) {
                throw new FileFormatException(file, "tensor '" + name + "' appears in more than one shard");
            }
        }
        data.put(file, body);
    }

    private static Entry parseEntry(Path file, String name, Object value, long bodySize) throws FileFormatException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new FileFormatException(file, "tensor '" + name + "': header entry is not an object");
        }
        DType dtype;
        try {
            dtype = DType.valueOf(String.valueOf(m.get("dtype")));
        } catch (IllegalArgumentException ex) {
            throw new FileFormatException(file, "tensor '" + name + "': unsupported dtype " + m.get("dtype"));
        }
        if (!(m.get("shape") instanceof List<?> shapeList) || !(m.get("data_offsets") instanceof List<?> offs)
                || offs.size() != 2) {
            throw new FileFormatException(file, "tensor '" + name + "': header entry lacks shape or data_offsets");
        }
        int[] shape = new int[shapeList.size()];
        for (int k = 0; k < shape.length; k++) {
            long d = ((Number) shapeList.get(k)).longValue();
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new FileFormatException(file, "tensor '" + name + "': bad dimension " + d);
            }
            shape[k] = (int) d;
        }
        long begin = ((Number) offs.get(0)).longValue();
        long end = ((Number) offs.get(1)).longValue();
        long need = (long) Tensor.sizeOf(shape) * dtype.bytes();
        if (begin < 0 || end < begin || end > bodySize) {
            throw new FileFormatException(file, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + ") outside the " + bodySize + "-byte data section (truncated file?)");
        }
        if (end - begin != need) {
            throw new FileFormatException(file, "tensor '" + name + "': " + (end - begin) + " bytes for shape "
                    + Arrays.toString(shape) + " of " + dtype + " (expected " + need + ")");
        }
        return new Entry(name, dtype, shape, file, begin, end);
    }

    /** The path this object was opened from. */
    public Path path() {
        return path;
    }

    /** Tensor names in file order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The {@code __metadata__} strings (merged over shards). */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /** The header entry of {@code name}; a missing name is an error naming the file. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        }
        return e;
    }

    /** The raw bytes of {@code name} (a slice of the mapping, valid until {@link #close()}). */
    public MemorySegment bytes(String name) {
        Entry e = entry(name);
        return data.get(e.file()).asSlice(e.begin(), e.end() - e.begin());
    }

    /** {@code name} as a float32 heap tensor (F16, BF16 and F64 are converted). */
    public Tensor tensor(String name) {
        Entry e = entry(name);
        if (!e.dtype().isFloat()) {
            throw new IllegalArgumentException(e.file() + ": tensor '" + name + "' is " + e.dtype()
                    + ", expected a floating-point dtype (F32, F16, BF16 or F64)");
        }
        MemorySegment src = bytes(name);
        int n = e.numel();
        float[] out = new float[n];
        switch (e.dtype()) {
            case F32 -> MemorySegment.copy(src, F32_LE, 0, out, 0, n);
            case F64 -> {
                for (int k = 0; k < n; k++) {
                    out[k] = (float) src.getAtIndex(F64_LE, k);
                }
            }
            case F16 -> {
                for (int k = 0; k < n; k++) {
                    out[k] = Float.float16ToFloat(src.getAtIndex(I16_LE, k));
                }
            }
            case BF16 -> {
                for (int k = 0; k < n; k++) {
                    out[k] = Float.intBitsToFloat((src.getAtIndex(I16_LE, k) & 0xffff) << 16);
                }
            }
            default -> throw new IllegalStateException("unreachable: " + e.dtype());
        }
        return Tensor.of(out, e.shape());
    }

    @Override
    public void close() {
        arena.close();
    }

    /**
     * Writes {@code tensors} (F32, in map order) with optional string metadata, atomically: the data
     * goes to a temporary file beside {@code file} that is then renamed over it.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (meta != null && !meta.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(meta));
        }
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("dtype", "F32");
            h.put("shape", e.getValue().shape());
            long n = 4L * e.getValue().size();
            h.put("data_offsets", new long[] {off, off + n});
            header.put(e.getKey(), h);
            off += n;
        }
        byte[] hj = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - hj.length % 8) % 8;
        byte[] hb = Arrays.copyOf(hj, hj.length + pad);
        Arrays.fill(hb, hj.length, hb.length, (byte) ' ');
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length).flip();
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(hb));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                float[] d = t.data();
                for (int k = t.offset(), end = t.offset() + t.size(); k < end; k++) {
                    if (buf.remaining() < 4) {
                        writeFully(ch, buf.flip());
                        buf.clear();
                    }
                    buf.putFloat(d[k]);
                }
            }
            writeFully(ch, buf.flip());
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
