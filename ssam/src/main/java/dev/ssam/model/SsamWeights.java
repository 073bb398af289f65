package dev.ssam.model;

import dev.ssam.model.io.PthCheckpoint;
import dev.ssam.model.io.PthTensor;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Json;
import dev.ssam.runtime.io.Safetensors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads and saves SSAM weights under their official names.
 *
 * <p>{@link #load} accepts a single {@code .safetensors} file, a sharded checkpoint through its
 * {@code *.safetensors.index.json}, or a PyTorch {@code torch.save} checkpoint ({@code .pth}, detected
 * by its zip signature; the state dict under {@code "model"}, as the official trainer saves it).
 * The config comes from the caller, else from the {@code ssam_config} metadata that {@link #save}
 * writes, else from the tensor shapes ({@link SsamConfig#inferFromShapes}). Every tensor's name,
 * dtype and shape is then checked against it before any data is read: F32 is expected; F16, BF16
 * and F64 are converted to float32.
 *
 * <p>Every problem is a {@link FileFormatException} (an {@link IOException}) whose message starts
 * with the file and names the tensor: a missing, unexpected, wrongly shaped or non-float tensor, a
 * truncated file or storage, a corrupt header, a shard the index names but that does not exist.
 * A missing weights file is a {@link NoSuchFileException}.
 *
 * <pre>{@code
 * SsamParams p = SsamWeights.load(Path.of("micro.safetensors"));   // config inferred: micro
 * SsamWeights.save(Path.of("out.safetensors"), p);                  // official names + config JSON
 * }</pre>
 */
public final class SsamWeights {
    /** The {@code __metadata__} key under which {@link #save} stores {@link SsamConfig#toJson()}. */
    public static final String CONFIG_METADATA_KEY = "ssam_config";

    private static final int MAX_LISTED_PROBLEMS = 5;

    private SsamWeights() {
    }

    /** What a weights file says about one tensor before its data is read. */
    private record Found(String name, int[] shape, String dtype, boolean floatingPoint, Path file) {
    }

    /** Loads {@code path}, taking the config from its metadata or inferring it from the shapes. */
    public static SsamParams load(Path path) throws IOException {
        return load(path, null);
    }

    /**
     * Loads {@code path} and checks it against {@code config} ({@code null}: metadata, else inferred).
     *
     * @throws FileFormatException naming the file and the offending tensor
     */
    public static SsamParams load(Path path, SsamConfig config) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "weights file not found");
        }
        return isZip(path) ? loadPth(path, config) : loadSafetensors(path, config);
    }

    /**
     * Writes {@code params} as one safetensors file in official names and order, with
     * {@code __metadata__} {@code {"format": "pt", "ssam_config": <config JSON>}}.
     */
    public static void save(Path path, SsamParams params) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(CONFIG_METADATA_KEY, params.config().toJson());
        Safetensors.write(path, params.named(), meta);
    }

    private static boolean isZip(Path path) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, 4);
        }
        return n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    private static SsamParams loadPth(Path path, SsamConfig config) throws IOException {
        PthCheckpoint ckpt = PthCheckpoint.read(path);
        Map<String, PthTensor> tensors = ckpt.modelTensors();
        Map<String, Found> found = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, PthTensor> e : tensors.entrySet()) {
            PthTensor t = e.getValue();
            found.put(e.getKey(), new Found(e.getKey(), t.shape(), t.dtype().dtype(), t.dtype().isFloatingPoint(), path));
            shapes.put(e.getKey(), t.shape());
        }
        SsamConfig c = config != null ? config : SsamConfig.inferFromShapes(path, shapes);
        validate(path, c, found);
        return build(path, c, ckpt.stateDict(tensors));
    }

    private static SsamParams loadSafetensors(Path path, SsamConfig config) throws IOException {
        boolean index = path.getFileName().toString().endsWith(".json");
        if (index) {
            requireShards(path);
        }
        try (Safetensors st = Safetensors.open(path)) {
            Map<String, Found> found = new LinkedHashMap<>();
            for (String name : st.names()) {
                Safetensors.Entry e = st.entry(name);
                boolean fp = switch (e.dtype()) {
                    case F32, F16, BF16, F64 -> true;
                    default -> false;
                };
                found.put(name, new Found(name, e.shape(), e.dtype().name(), fp, e.file()));
            }
            SsamConfig c = config != null ? config : configOf(st);
            validate(path, c, found);
            Map<String, Tensor> named = new LinkedHashMap<>();
            for (String name : st.names()) {
                named.put(name, st.tensor(name));
            }
            return build(path, c, named);
        }
    }

    private static SsamConfig configOf(Safetensors st) throws FileFormatException {
        String json = st.metadata().get(CONFIG_METADATA_KEY);
        if (json == null) {
            return SsamConfig.inferFrom(st);
        }
        try {
            return SsamConfig.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(st.path(), "metadata '" + CONFIG_METADATA_KEY + "' is not a valid SSAM config: "
                    + e.getMessage(), e);
        }
    }

    /** Fails naming the missing shard and the tensors the index maps to it. */
    private static void requireShards(Path index) throws IOException {
        Map<String, Object> json;
        try {
            json = Json.parseObject(Files.readString(index));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(index, "not a valid safetensors index: " + e.getMessage(), e);
        }
        if (!(json.get("weight_map") instanceof Map<?, ?> map)) {
            throw new FileFormatException(index, "safetensors index has no \"weight_map\" object");
        }
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String shard = String.valueOf(e.getValue());
            if (!Files.isRegularFile(index.resolveSibling(shard))) {
                missing.computeIfAbsent(shard, k -> new ArrayList<>()).add(String.valueOf(e.getKey()));
            }
        }
        if (!missing.isEmpty()) {
            Map.Entry<String, List<String>> first = missing.entrySet().iterator().next();
            List<String> names = first.getValue();
            throw new FileFormatException(index, "shard '" + first.getKey() + "' does not exist beside the index; it should hold tensor '"
                    + names.get(0) + "'" + (names.size() > 1 ? " and " + (names.size() - 1) + " more" : "")
                    + (missing.size() > 1 ? " (" + missing.size() + " shards missing: " + missing.keySet() + ")" : ""));
        }
    }

    /** Checks names, dtypes and shapes against {@code c}; lists the first problems in one message. */
    private static void validate(Path source, SsamConfig c, Map<String, Found> found) throws FileFormatException {
        Map<String, ParamSpec> table = ParamNames.table(c);
        List<String> problems = new ArrayList<>();
        for (ParamSpec s : table.values()) {
            Found f = found.get(s.name());
            if (f == null) {
                problems.add("missing tensor '" + s.name() + "' (expected shape " + Arrays.toString(s.shape()) + ")");
            } else if (!f.floatingPoint()) {
                problems.add("tensor '" + s.name() + "'" + where(source, f) + " has dtype " + f.dtype()
                        + ", expected F32 (F16, BF16 and F64 are converted)");
            } else if (!Arrays.equals(f.shape(), s.shape())) {
                problems.add("tensor '" + s.name() + "'" + where(source, f) + " has shape " + Arrays.toString(f.shape())
                        + ", expected " + Arrays.toString(s.shape()));
            }
        }
        for (Found f : found.values()) {
            if (!table.containsKey(f.name())) {
                problems.add("unexpected tensor '" + f.name() + "'" + where(source, f) + " (not part of the model)");
            }
        }
        if (!problems.isEmpty()) {
            String listed = String.join("; ", problems.subList(0, Math.min(MAX_LISTED_PROBLEMS, problems.size())));
            throw new FileFormatException(source, listed
                    + (problems.size() > MAX_LISTED_PROBLEMS ? "; and " + (problems.size() - MAX_LISTED_PROBLEMS) + " more problems" : "")
                    + " [checked against SSAM config " + c.summary() + "]");
        }
    }

    private static String where(Path source, Found f) {
        return f.file().equals(source) ? "" : " in " + f.file().getFileName();
    }

    private static SsamParams build(Path path, SsamConfig c, Map<String, Tensor> named) throws FileFormatException {
        try {
            return SsamParams.fromNamed(c, named);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(path, e.getMessage(), e);
        }
    }
}
