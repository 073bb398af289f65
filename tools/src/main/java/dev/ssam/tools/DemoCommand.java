package dev.ssam.tools;

import dev.ssam.runtime.io.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ssam demo}: the whole pipeline on built-in data with no downloads: build the synthetic
 * task, pretrain the nano model on generated audio (disjoint seeds from the task's), then evaluate
 * it against a random encoder of the same size and pooled log-mel statistics.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pretrain SSAM-nano on generated audio, then evaluate it on the built-in synthetic task against a",
            "random-init encoder and log-mel statistics; prints the table and writes the report. No downloads."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "ssam-demo", paramLabel = "DIR",
            description = "Output folder: task/, pretrain/ (weights, metrics, loss.png), report/ (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--quick", description = "A reduced run of about a minute (fewer steps, clips and seeds, linear probe): for CI.")
    boolean quick;

    @Option(names = "--steps", paramLabel = "N", description = "Pretraining steps (default: 600, quick: 40).")
    Integer steps;

    @Option(names = "--seed", defaultValue = "0", description = "Pretraining seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOptions device;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (Files.exists(dir) && !isEmptyDir(dir)) {
            throw new IllegalArgumentException(dir + " exists and is not empty; choose another --out or remove it");
        }
        int n = steps != null ? steps : quick ? 40 : 600;
        Path task = dir.resolve("task");
        Path pretrain = dir.resolve("pretrain");
        Path report = dir.resolve("report");
        String threads = String.valueOf(device.threads());
        String dev = device.device.name();

        stage(out, "1/3 building the synthetic task (10 classes, 5 folds by seed)");
        run("tasks", "build", "synthetic", "--out", task.toString(), "--clips-per-class", quick ? "12" : "40",
                "--seconds", "2");

        stage(out, "2/3 pretraining nano for " + n + " steps on generated audio");
        List<String> pre = new ArrayList<>(List.of("pretrain", "--data", quick ? "synthetic:64:4" : "synthetic:256:10",
                "--config", "nano", "--steps", String.valueOf(n), "--batch", "8", "--lr", "0.05", "--seed",
                String.valueOf(seed), "--out", pretrain.toString(), "--device", dev, "--threads", threads));
        run(pre.toArray(String[]::new));

        stage(out, "3/3 evaluating against a random-init encoder and log-mel statistics");
        run("eval", "--model", pretrain.resolve("model.safetensors").toString(), "--task", task.toString(),
                "--probe", quick ? "linear" : "mlp", "--seeds", quick ? "2" : "3", "--out", report.toString(),
                "--cache", dir.resolve("cache").toString(), "--device", dev, "--threads", threads);

        verdict(out, report.resolve("results.json"));
        out.println("loss curve: " + pretrain.resolve("loss.png") + ", metrics: " + pretrain.resolve("metrics.jsonl"));
        out.flush();
        return 0;
    }

    private void stage(PrintWriter out, String what) {
        out.println();
        out.println("== ssam demo: " + what);
        out.flush();
    }

    /** Runs another subcommand in this process with the same output streams; a failure ends the demo. */
    private void run(String... args) {
        CommandLine root = spec.root().commandLine();
        int rc = root.execute(args);
        if (rc != 0) {
            throw new IllegalStateException("stage 'ssam " + String.join(" ", args) + "' failed with exit code " + rc);
        }
    }

    /** Prints whether the pretrained encoder beat the random encoder on the task's primary metric. */
    @SuppressWarnings("unchecked")
    private static void verdict(PrintWriter out, Path resultsJson) throws IOException {
        Map<String, Object> r = Json.parseObject(Files.readString(resultsJson));
        List<Object> tasks = (List<Object>) r.get("tasks");
        for (Object t : tasks) {
            List<Object> results = (List<Object>) ((Map<String, Object>) t).get("results");
            Map<String, Object> model = (Map<String, Object>) results.get(0);
            Map<String, Object> random = (Map<String, Object>) results.get(1);
            Map<String, Object> mm = (Map<String, Object>) ((List<Object>) model.get("metrics")).get(0);
            Map<String, Object> rm = (Map<String, Object>) ((List<Object>) random.get("metrics")).get(0);
            double a = ((Number) mm.get("mean")).doubleValue();
            double b = ((Number) rm.get("mean")).doubleValue();
            out.printf("%nverdict (%s, %s): pretrained %.4f vs random-init %.4f: %s%n", ((Map<String, Object>) t).get("task"),
                    mm.get("metric"), a, b, a > b ? "the pretrained encoder is better" : "the pretrained encoder is NOT better");
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }
}
