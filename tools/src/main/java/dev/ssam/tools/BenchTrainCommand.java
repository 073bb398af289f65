package dev.ssam.tools;

import dev.ssam.model.SsamConfig;
import dev.ssam.runtime.Backend;
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

    @Option(names = "--tf32", description = "With --device cuda: matrix products on TF32 tensor cores (default: full fp32).")
    boolean tf32;

    @Option(names = "--profile", description = "On a GPU device, after the timing: the device traffic of one step and "
            + "where a profiled step's time goes, per op and kernel (gpu_step and gpu_profile lines).")
    boolean profile;

    @Option(names = "--seconds", defaultValue = "5.0", description = "Minimum timed seconds per case (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        String commit = BenchCommand.commit();
        for (SsamConfig.Preset preset : configs) {
            for (int t : threads) {
                try (Backend b = Backend.parse(device.name(), t)) {
                    DeviceOptions.applyTf32(spec.commandLine(), b, tf32);
                    for (int batch : batches) {
                        BenchCommand.print(out, TrainBench.run(b, preset.config(), batch, Math.min(3, seconds), seconds)
                                .with("tf32", tf32), commit);
                        if (profile) {
                            TrainBench.Step step = new TrainBench.Step(b, preset.config(), batch);
                            step.run();
                            BenchCommand.profile(out, b, "train_step " + preset.config().presetName() + " batch " + batch,
                                    step, commit);
                        }
                    }
                }
            }
        }
    }
}
