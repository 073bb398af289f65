package dev.ssam.tasks.train;

import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Pretraining checkpoints: one folder per saved step under {@code <out>/checkpoints/}:
 *
 * <pre>
 *   step-000001000/model.safetensors      weights, official names + config metadata ({@link SsamWeights#save}),
 *                                         loadable by {@code ssam embed --model}
 *   step-000001000/optimizer.safetensors  AdamW m and v of every trainable tensor, step count ({@link AdamWState#save})
 *   step-000001000/state.json             step, micro-step, epoch, seed, elapsed time, model config,
 *                                         run options, data fingerprint
 * </pre>
 * A folder is written under a temporary name and renamed when complete, so a crash leaves either
 * the whole checkpoint or none. After each save only the newest {@code keep} are kept.
 *
 * <p>Random state: every draw of the run (shuffles, crops, masks) is derived from the seed and a
 * counter ({@link dev.ssam.tasks.data.Seeds}), so the step and micro-step counters saved here are
 * the whole generator and data-cursor state.
 */
public final class Checkpoints {
    /** Sub-folder of the output folder. */
    public static final String DIR = "checkpoints";
    /** Weights file in a checkpoint. */
    public static final String MODEL = "model.safetensors";
    /** Optimiser file in a checkpoint. */
    public static final String OPTIMIZER = "optimizer.safetensors";
    /** Counters and settings in a checkpoint. */
    public static final String STATE = "state.json";
    private static final String PREFIX = "step-";

    private Checkpoints() {
    }

    /**
     * The counters of a checkpoint.
     *
     * @param step           optimiser updates done
     * @param microStep      micro-batches consumed (the data cursor): step x accumSteps
     * @param epoch          fractional epoch reached
     * @param seed           run seed
     * @param elapsedSeconds training time up to here
     * @param config         model configuration
     * @param options        the run options, as {@link PretrainOptions#toMap()}
     * @param dataFingerprint the cache key of the data
     * @param clips          usable clips
     */
    public record State(long step, long microStep, double epoch, long seed, double elapsedSeconds, SsamConfig config,
                        Map<String, Object> options, String dataFingerprint, int clips) {
    }

    /** A checkpoint read back. */
    public record Loaded(Path dir, State state, SsamParams params, AdamWState optimizer) {
    }

    /** The folder of the checkpoint at {@code step}. */
    public static Path folder(Path out, long step) {
        return out.resolve(DIR).resolve(String.format("%s%09d", PREFIX, step));
    }

    /**
     * Writes a checkpoint of {@code state.step()} and deletes all but the newest {@code keep}.
     *
     * @return its folder
     */
    public static Path save(Path out, State state, SsamParams params, AdamWState optimizer, int keep) throws IOException {
        Path dir = folder(out, state.step());
        Files.createDirectories(dir.getParent());
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        SsamWeights.save(tmp.resolve(MODEL), params);
        optimizer.save(tmp.resolve(OPTIMIZER));
        Files.writeString(tmp.resolve(STATE), Json.write(toMap(state)) + "\n", StandardCharsets.UTF_8);
        deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        prune(out, keep);
        return dir;
    }

    private static Map<String, Object> toMap(State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", s.step());
        m.put("micro_step", s.microStep());
        m.put("epoch", s.epoch());
        m.put("seed", s.seed());
        m.put("elapsed_s", s.elapsedSeconds());
        m.put("config", Json.parseObject(s.config().toJson()));
        m.put("options", s.options());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("fingerprint", s.dataFingerprint());
        data.put("clips", s.clips());
        m.put("data", data);
        m.put("rng", "counter-based: every draw derives from (seed, purpose, counter); step and micro_step restore it");
        return m;
    }

    /** The newest complete checkpoint under {@code out}, or null when there is none. */
    public static Path latest(Path out) throws IOException {
        List<Path> all = list(out);
        return all.isEmpty() ? null : all.getLast();
    }

    /** Complete checkpoints under {@code out}, oldest first. */
    public static List<Path> list(Path out) throws IOException {
        Path root = out.resolve(DIR);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .sorted(Comparator.comparingLong(Checkpoints::stepOf))
                    .toList();
        }
    }

    private static long stepOf(Path dir) {
        try {
            return Long.parseLong(dir.getFileName().toString().substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Reads a checkpoint folder. */
    @SuppressWarnings("unchecked")
    public static Loaded load(Path dir, AdamWState.Hyper hyper) throws IOException {
        Path stateFile = dir.resolve(STATE);
        Map<String, Object> m;
        try {
            m = Json.parseObject(Files.readString(stateFile, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(stateFile, "not a valid checkpoint state: " + e.getMessage(), e);
        }
        SsamConfig config;
        State state;
        try {
            config = SsamConfig.fromJson(Json.write(m.get("config")));
            Map<String, Object> data = (Map<String, Object>) m.get("data");
            state = new State(number(m, "step").longValue(), number(m, "micro_step").longValue(),
                    number(m, "epoch").doubleValue(), number(m, "seed").longValue(), number(m, "elapsed_s").doubleValue(),
                    config, (Map<String, Object>) m.get("options"), String.valueOf(data.get("fingerprint")),
                    number(data, "clips").intValue());
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new FileFormatException(stateFile, "checkpoint state is incomplete: " + e.getMessage(), e);
        }
        SsamParams params = SsamWeights.load(dir.resolve(MODEL), config);
        AdamWState opt = AdamWState.load(dir.resolve(OPTIMIZER), config, hyper);
        if (opt.steps() != state.step()) {
            throw new FileFormatException(dir.resolve(OPTIMIZER), "optimiser has " + opt.steps() + " steps, state.json says "
                    + state.step());
        }
        return new Loaded(dir, state, params, opt);
    }

    private static Number number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("'" + key + "' is " + m.get(key) + ", expected a number");
        }
        return n;
    }

    private static void prune(Path out, int keep) throws IOException {
        List<Path> all = new ArrayList<>(list(out));
        while (all.size() > keep) {
            deleteTree(all.removeFirst());
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
