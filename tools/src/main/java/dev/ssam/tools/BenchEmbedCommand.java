package dev.ssam.tools;

import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamEmbedder;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.tasks.bench.BenchModels;
import dev.ssam.tasks.bench.BenchResult;
import dev.ssam.tasks.bench.EmbedBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code ssam bench embed}: end-to-end inference clips/s of SSAM-Tiny (or a given model). */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Inference throughput (PCM -> embeddings) as JSON lines: clips/s per batch and thread count, peak RSS.")
public final class BenchEmbedCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", description = "Weights to time (default: SSAM-Tiny at a seeded random initialisation).")
    Path model;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads = new ArrayList<>();

    @Option(names = "--batch", split = ",", defaultValue = "1,8", description = "Clips per call (default: ${DEFAULT-VALUE}).")
    List<Integer> batches = new ArrayList<>();

    @Option(names = "--window-batch", description = "200-frame windows per encoder call (default: "
            + dev.ssam.model.SsamEmbedder.DEFAULT_WINDOW_BATCH + " on cpu and ref, "
            + dev.ssam.model.SsamEmbedder.GPU_STAGE_WINDOWS + " on a GPU, where a call embeds in stages of this many"
            + " windows, at least " + dev.ssam.model.SsamEmbedder.GPU_STAGE_WINDOWS
            + "; -Dssam.gpu.stageWindows sets both).")
    Integer windowBatch;

    @Option(names = "--clip-seconds", defaultValue = "1.99", description = "Clip length; 1.99 s gives exactly one 200-frame window (default: ${DEFAULT-VALUE}).")
    double clipSeconds;

    @Option(names = "--device", defaultValue = "cpu", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DeviceOptions.Device device = DeviceOptions.Device.cpu;

    @picocli.CommandLine.Mixin
    BenchGpuOptions gpu = new BenchGpuOptions();

    @Option(names = "--seconds", defaultValue = "3.0", description = "Minimum timed seconds per case (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--check", paramLabel = "CLIPS",
            description = "After the timings, embed the first CLIPS clips on the device and on the cpu and compare "
                    + "them element by element: an embed_check line, and exit status 1 when a difference is past the "
                    + "whole-model tolerance (not judged with --tf32). Needs a device other than cpu.")
    Integer check;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        BenchCommand.requireCheck(spec, check, device);
        SsamParams params;
        try {
            params = model == null ? BenchModels.random(SsamConfig.tiny(), 0) : SsamWeights.load(model);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String commit = BenchCommand.commit();
        for (int t : threads) {
            try (Backend b = Backend.parse(device.name(), t)) {
                gpu.apply(b);
                int windowBatch = this.windowBatch != null ? this.windowBatch : SsamEmbedder.defaultWindowBatch(b);
                if (windowBatch < 1) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--window-batch is "
                            + windowBatch + ", expected at least 1");
                }
                for (int batch : batches) {
                    Runnable embedAll = EmbedBenchmark.workload(params, b, batch, windowBatch, clipSeconds);
                    BenchResult r = EmbedBenchmark.run(embedAll, params, b, batch, windowBatch, clipSeconds,
                            Math.min(2, seconds), seconds);
                    BenchCommand.print(out, gpu.withMath(r.with("weights", model == null ? "random-init"
                            : model.toString()), b), commit);
                    gpu.profile(out, b, "embed batch " + batch, embedAll, commit);
                }
                if (check != null) {
                    check(out, params, b, windowBatch, commit);
                }
            }
        }
    }

    /** {@code --check}: the device's embeddings against the cpu's on the same clips. */
    private void check(PrintWriter out, SsamParams params, Backend b, int windowBatch, String commit) {
        try (Backend host = Backend.cpu(dev.ssam.runtime.Parallel.availableCores())) {
            BenchResult r = EmbedBenchmark.check(params, b, host, windowBatch, clipSeconds, check,
                    gpu.tf32 ? null : Tolerance.MODEL_VS_GOLDEN);
            BenchCommand.printCheck(out, gpu.withMath(r, b), commit, b.name(), "embeddings");
        }
    }
}
