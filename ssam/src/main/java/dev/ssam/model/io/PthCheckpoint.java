package dev.ssam.model.io;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.io.FileFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint written by {@code torch.save} (PyTorch 1.6 and later): a zip archive with
 * {@code <prefix>/data.pkl} (the pickled object), {@code <prefix>/data/<key>} (raw storages),
 * {@code <prefix>/byteorder} and {@code <prefix>/version}.
 *
 * <p>The pickle is read by a restricted unpickler that never executes, imports or loads anything
 * named in the file: it rebuilds tensors ({@code torch._utils._rebuild_tensor_v2} with persistent
 * ids {@code ('storage', torch.FloatStorage, key, location, numel)}), maps
 * {@code collections.OrderedDict} to an ordered map, and keeps every other global (an
 * {@code argparse.Namespace}, numpy scalars) as an inert {@link PickledObject}. Value mapping:
 * dict to {@code Map<Object, Object>}, list and tuple to {@code List}, int to {@code Long}, float to
 * {@code Double}, str to {@code String}, tensor to {@link PthTensor}. The storages are read into
 * memory when the archive is opened; tensors are materialised on demand.
 *
 * <p>Problems are {@link FileFormatException}s naming the file: not a zip archive (or a legacy
 * pre-1.6 checkpoint), no {@code data.pkl}, a malformed or unsupported pickle, a missing storage,
 * a storage shorter than a tensor needs (a truncated checkpoint, named with the tensor by
 * {@link #stateDict}).
 *
 * <pre>{@code
 * PthCheckpoint ckpt = PthCheckpoint.read(Path.of("checkpoint-99.pth"));
 * Map<String, Tensor> model = ckpt.modelStateDict();   // key "model"
 * Object epoch = ckpt.get("epoch");                    // Long
 * }</pre>
 */
public final class PthCheckpoint {
    /** Keys under which trainers commonly store the model state dict, in the order tried. */
    private static final List<String> MODEL_KEYS = List.of("model", "state_dict", "model_state_dict");
    /** The first bytes of a pre-1.6 (non-zip) torch.save file: protocol 2 pickling the magic number. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46};

    private final Path file;
    private final String prefix;
    private final ByteOrder byteOrder;
    private final String version;
    private final Object root;

    private PthCheckpoint(Path file, String prefix, ByteOrder byteOrder, String version, Object root) {
        this.file = file;
        this.prefix = prefix;
        this.byteOrder = byteOrder;
        this.version = version;
        this.root = root;
    }

    /** Opens and unpickles {@code file}; all storages are read before the archive is closed. */
    public static PthCheckpoint read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint not found");
        }
        rejectLegacy(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = findPrefix(file, zip);
            ByteOrder order = byteOrder(file, zip, prefix);
            ZipEntry versionEntry = zip.getEntry(prefix + "/version");
            String version = versionEntry == null ? "" : new String(readEntry(file, zip, versionEntry), StandardCharsets.UTF_8).trim();
            byte[] pickle = readEntry(file, zip, zip.getEntry(prefix + "/data.pkl"));
            Map<String, PthTensor.Storage> storages = new HashMap<>();
            Unpickler.PersistentLoader loader = pid -> storage(file, zip, prefix, order, storages, pid);
            Object root;
            try {
                root = new Unpickler(file, prefix + "/data.pkl", pickle, loader).load();
            } catch (StackOverflowError e) {
                throw new FileFormatException(file, prefix + "/data.pkl nests too deeply to be a checkpoint");
            }
            return new PthCheckpoint(file, prefix, order, version, root);
        } catch (ZipException e) {
            throw new FileFormatException(file, "not a zip archive (" + e.getMessage()
                    + "); torch.save (PyTorch >= 1.6) writes a zip with <name>/data.pkl", e);
        }
    }

    private static void rejectLegacy(Path file) throws IOException {
        byte[] head = new byte[LEGACY_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == head.length && java.util.Arrays.equals(head, LEGACY_MAGIC)) {
            throw new FileFormatException(file, "legacy (pre-1.6, non-zip) torch.save format is not supported;"
                    + " re-save it with torch.save in PyTorch >= 1.6");
        }
    }

    private static String findPrefix(Path file, ZipFile zip) throws FileFormatException {
        List<String> names = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                return name.substring(0, name.length() - "/data.pkl".length());
            }
            if (names.size() < 5) {
                names.add(name);
            }
        }
        throw new FileFormatException(file, "no '<name>/data.pkl' entry, so this zip is not a torch.save checkpoint"
                + " (first entries: " + names + ")");
    }

    private static ByteOrder byteOrder(Path file, ZipFile zip, String prefix) throws IOException {
        ZipEntry e = zip.getEntry(prefix + "/byteorder");
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        String s = new String(readEntry(file, zip, e), StandardCharsets.US_ASCII).trim();
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new FileFormatException(file, prefix + "/byteorder is '" + s + "', expected little or big");
        };
    }

    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry e) throws IOException {
        if (e.getSize() > Integer.MAX_VALUE - 16) {
            throw new FileFormatException(file, "entry " + e.getName() + " has " + e.getSize()
                    + " bytes; entries over 2 GiB are not supported");
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        } catch (ZipException ex) {
            throw new FileFormatException(file, "entry " + e.getName() + " is corrupt: " + ex.getMessage(), ex);
        }
    }

    /** Persistent id {@code ('storage', StorageType, key, location, numel)} to its storage. */
    private static PthTensor.Storage storage(Path file, ZipFile zip, String prefix, ByteOrder order,
                                             Map<String, PthTensor.Storage> cache, Object pid) throws FileFormatException {
        if (!(pid instanceof List<?> t) || t.size() < 5 || !"storage".equals(t.get(0))) {
            throw new FileFormatException(file, "persistent id " + pid + " is not ('storage', type, key, location, numel)");
        }
        if (!(t.get(1) instanceof StorageType type)) {
            throw new FileFormatException(file, "storage type " + t.get(1) + " is not supported (known: torch.FloatStorage,"
                    + " DoubleStorage, HalfStorage, BFloat16Storage and the integer storages)");
        }
        if (!(t.get(4) instanceof Long numel) || numel < 0) {
            throw new FileFormatException(file, "storage " + t.get(2) + " declares " + t.get(4) + " elements");
        }
        String key = String.valueOf(t.get(2));
        PthTensor.Storage cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        ZipEntry e = zip.getEntry(prefix + "/data/" + key);
        if (e == null) {
            throw new FileFormatException(file, "storage '" + key + "' (" + numel + " " + type.dtype() + ") has no entry "
                    + prefix + "/data/" + key + " in the archive");
        }
        byte[] bytes;
        try {
            bytes = readEntry(file, zip, e);
        } catch (FileFormatException ex) {
            throw ex;
        } catch (IOException ex) {
            throw new FileFormatException(file, "cannot read " + e.getName() + ": " + ex.getMessage(), ex);
        }
        PthTensor.Storage s = new PthTensor.Storage(file, key, type, numel, bytes, order);
        cache.put(key, s);
        return s;
    }

    /** The file this checkpoint was read from. */
    public Path file() {
        return file;
    }

    /** The archive's top folder name ({@code micro-checkpoint-4}). */
    public String prefix() {
        return prefix;
    }

    /** Byte order of the storages ({@code <prefix>/byteorder}; little when absent). */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** Contents of {@code <prefix>/version} (the serialisation version, "3" today), or "" when absent. */
    public String version() {
        return version;
    }

    /** The unpickled top-level object (for a trainer checkpoint, a map with "model", "epoch", ...). */
    public Object root() {
        return root;
    }

    /** {@code root[key]} when the root is a dict; null when the key is absent. */
    public Object get(String key) throws FileFormatException {
        return rootMap().get(key);
    }

    private Map<?, ?> rootMap() throws FileFormatException {
        if (!(root instanceof Map<?, ?> m)) {
            throw new FileFormatException(file, "the pickled object is a " + (root == null ? "None" : root.getClass().getSimpleName())
                    + ", expected a dict");
        }
        return m;
    }

    /**
     * The state dict at {@code root[key]} as name to tensor, unmaterialised.
     *
     * @throws FileFormatException if the key is absent or its value is not a dict of tensors
     */
    public Map<String, PthTensor> tensors(String key) throws FileFormatException {
        Map<?, ?> m = rootMap();
        if (!m.containsKey(key)) {
            throw new FileFormatException(file, "no '" + key + "' entry (top-level keys: " + m.keySet() + ")");
        }
        return asTensors(m.get(key), "'" + key + "'");
    }

    private Map<String, PthTensor> asTensors(Object value, String what) throws FileFormatException {
        if (!(value instanceof Map<?, ?> sd)) {
            throw new FileFormatException(file, what + " is a " + (value == null ? "None" : value.getClass().getSimpleName())
                    + ", expected a state dict");
        }
        Map<String, PthTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : sd.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof PthTensor t)) {
                throw new FileFormatException(file, what + " entry " + e.getKey() + " is not a named tensor but "
                        + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName()));
            }
            out.put(name, t);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The model's state dict, unmaterialised: {@code root["model"]} (the official trainer), else
     * {@code "state_dict"} or {@code "model_state_dict"}, else the root itself when it is a dict of
     * tensors (a bare {@code torch.save(model.state_dict())}).
     */
    public Map<String, PthTensor> modelTensors() throws FileFormatException {
        Map<?, ?> m = rootMap();
        for (String key : MODEL_KEYS) {
            if (m.get(key) instanceof Map<?, ?>) {
                return tensors(key);
            }
        }
        if (!m.isEmpty() && m.values().stream().allMatch(v -> v instanceof PthTensor)) {
            return asTensors(m, "the top-level dict");
        }
        throw new FileFormatException(file, "no model state dict: none of " + MODEL_KEYS
                + " is a dict and the top level is not a dict of tensors (top-level keys: " + m.keySet() + ")");
    }

    /** {@link #modelTensors()} materialised as float32 tensors (see {@link #stateDict(Map)}). */
    public Map<String, Tensor> modelStateDict() throws FileFormatException {
        return stateDict(modelTensors());
    }

    /** {@link #tensors(String)} materialised as float32 tensors. */
    public Map<String, Tensor> stateDict(String key) throws FileFormatException {
        return stateDict(tensors(key));
    }

    /**
     * Materialises tensors as compact float32 tensors in order.
     *
     * @throws FileFormatException naming the file and the tensor when one is not floating point or
     *                             its storage is truncated
     */
    public Map<String, Tensor> stateDict(Map<String, PthTensor> tensors) throws FileFormatException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, PthTensor> e : tensors.entrySet()) {
            out.put(e.getKey(), e.getValue().toFloat32("tensor '" + e.getKey() + "'"));
        }
        return Collections.unmodifiableMap(out);
    }
}
