package dev.ssam.tasks.train;

import dev.ssam.runtime.io.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per optimiser update, flushed as it is written:
 * {@code {"step", "epoch", "loss", "loss_all", "loss_masked", "lr", "grad_norm", "clips_per_s", "elapsed_s"}}
 * (NaN is written as null). A resumed run first drops the lines of steps at or after the checkpoint
 * it resumes from, so the file always describes one run.
 *
 * <pre>{@code
 * for (MetricsLog.Line l : MetricsLog.read(out.resolve("metrics.jsonl"))) { ... l.step() ... l.loss() ... }
 * }</pre>
 */
public final class MetricsLog implements AutoCloseable {
    /** File name in the output folder. */
    public static final String FILE = "metrics.jsonl";

    private final BufferedWriter writer;

    /**
     * One line read back.
     *
     * @param step       update index
     * @param loss       optimised loss
     * @param lossAll    MSE over all patches
     * @param lossMasked MSE over masked patches (NaN if none)
     * @param lr         learning rate
     */
    public record Line(long step, double loss, double lossAll, double lossMasked, double lr) {
    }

    private MetricsLog(BufferedWriter writer) {
        this.writer = writer;
    }

    /**
     * Opens {@code file} for appending, keeping only lines with step &lt; {@code firstStep}
     * (everything older than the step the run starts at).
     */
    public static MetricsLog open(Path file, long firstStep) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> kept = new ArrayList<>();
        if (firstStep > 0 && Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Line l = parse(line);
                if (l != null && l.step() < firstStep) {
                    kept.add(line);
                }
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    /** Appends one update's line and flushes it. */
    public void append(TrainListener.Progress p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", p.step());
        m.put("epoch", p.epoch());
        m.put("loss", p.loss());
        m.put("loss_all", p.lossAll());
        m.put("loss_masked", p.lossMasked());
        m.put("lr", p.lr());
        m.put("grad_norm", p.gradNorm());
        m.put("clips_per_s", p.clipsPerSecond());
        m.put("elapsed_s", p.elapsedSeconds());
        writer.write(Json.write(m));
        writer.newLine();
        writer.flush();
    }

    /** Every well-formed line of {@code file}, in file order. */
    public static List<Line> read(Path file) throws IOException {
        List<Line> out = new ArrayList<>();
        for (String s : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Line l = parse(s);
            if (l != null) {
                out.add(l);
            }
        }
        return out;
    }

    private static Line parse(String s) {
        if (s.isBlank()) {
            return null;
        }
        try {
            Map<String, Object> m = Json.parseObject(s);
            return new Line(((Number) m.get("step")).longValue(), num(m.get("loss")), num(m.get("loss_all")),
                    num(m.get("loss_masked")), num(m.get("lr")));
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            return null;
        }
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
