package dev.ssam.tools;

import dev.ssam.model.SsamConfig;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Parallel;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.tasks.bench.BenchResult;
import dev.ssam.tasks.train.TrainBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code ssam bench train}: pretraining updates per second (forward, backward, AdamW). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Training throughput (one full pretraining update per call) as JSON lines: clips/s and peak RSS.")
public final class BenchTrainCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", split = ",", defaultValue = "nano,tiny",
            description = "Model presets: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    List<SsamConfig.Preset> configs = new ArrayList<>();

    @Option(names = "--threads", split = ",", defaultValue = "2", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads = new ArrayList<>();

    @Option(names = "--batch", split = ",", defaultValue = "8", description = "Clips per update (default: ${DEFAULT-VALUE}).")
    List<Integer> batches = new ArrayList<>();

    @Option(names = "--device", defaultValue = "cpu", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DeviceOptions.Device device = DeviceOptions.Device.cpu;

    @picocli.CommandLine.Mixin
    BenchGpuOptions gpu = new BenchGpuOptions();

    @Option(names = "--seconds", defaultValue = "5.0", description = "Minimum timed seconds per case (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--check", paramLabel = "CLIPS",
            description = "After the timings, one forward and backward of each model on CLIPS clips on the device and on "
                    + "the cpu, loss and every gradient compared element by element: a train_check line, and exit "
                    + "status 1 when a difference is past the whole-model tolerance (not judged with --tf32). Needs a "
                    + "device other than cpu.")
    Integer check;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        BenchCommand.requireCheck(spec, check, device);
        String commit = BenchCommand.commit();
        for (SsamConfig.Preset preset : configs) {
            for (int t : threads) {
                try (Backend b = Backend.parse(device.name(), t)) {
                    gpu.apply(b);
                    for (int batch : batches) {
                        TrainBench.Step step = new TrainBench.Step(b, preset.config(), batch);
                        BenchCommand.print(out, gpu.withMath(TrainBench.run(step, Math.min(3, seconds), seconds), b),
                                commit);
                        gpu.profile(out, b, "train_step " + preset.config().presetName() + " batch " + batch, step,
                                commit);
                    }
                    if (check != null) {
                        check(out, b, preset.config(), commit);
                    }
                }
            }
        }
    }

    /** {@code --check}: the device's loss and gradients against the cpu's on the same batch. */
    private void check(PrintWriter out, Backend b, SsamConfig config, String commit) {
        try (Backend host = Backend.cpu(Parallel.availableCores())) {
            BenchResult r = TrainBench.check(b, host, config, check, gpu.tf32 ? null : Tolerance.MODEL_VS_GOLDEN);
            BenchCommand.printCheck(out, gpu.withMath(r, b), commit, b.name(), "loss or gradients");
        }
    }
}
