package dev.ssam.tasks.train;

import dev.ssam.model.ClipParallelPretraining;
import dev.ssam.model.Masking;
import dev.ssam.model.Pretraining;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamInit;
import dev.ssam.model.SsamParams;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.tasks.bench.BenchResult;
import dev.ssam.tasks.bench.DeviceComparison;
import dev.ssam.tasks.bench.Memory;
import dev.ssam.tasks.bench.Timing;
import dev.ssam.tasks.data.SyntheticAudio;

/**
 * Training throughput for {@code ssam bench}: the time of one full pretraining update (forward,
 * loss, backward through the whole model, AdamW over every tensor) on {@code batch} clips, exactly
 * the work {@link Pretrainer} does per step (on Cpu: whole clips per thread,
 * {@link dev.ssam.model.ClipParallelPretraining}). Data loading is left out: in training it runs ahead on
 * the prefetch thread.
 *
 * <p>Inputs: the first 200 frames of {@code batch} synthetic 2.01 s clips (normalised with the
 * biased std, as in pretraining) and unstructured masks; the model is {@link SsamInit} with seed 0;
 * learning rate 1e-4. Every timed call runs one more update of the same model, as training does.
 *
 * <pre>{@code
 * BenchResult r = TrainBench.run(cpu, SsamConfig.tiny(), 8, 2.0, 10.0);   // r.fields().get("clips_per_s")
 * }</pre>
 */
public final class TrainBench {
    /** Longest warm-up: {@link Timing#warmUp} stops earlier once the JIT has gone quiet. */
    private static final double MAX_WARMUP_SECONDS = 60;

    private TrainBench() {
    }

    /**
     * Times {@link #step} after at least {@code warmupSeconds} of warm-up (longer until the JIT has
     * gone quiet, {@link Timing#warmUp}), for at least 3 updates and {@code minSeconds}.
     *
     * @return {@code train_step}: model, device, threads, batch, clips_per_s, ms_per_clip, median_ms,
     *         spread, reps, loss, warmup_s, peak_rss_mb
     */
    public static BenchResult run(Backend backend, SsamConfig config, int batch, double warmupSeconds, double minSeconds) {
        return run(new Step(backend, config, batch), warmupSeconds, minSeconds);
    }

    /** {@link #run(Backend, SsamConfig, int, double, double)} on a step built by the caller (who may use it again). */
    public static BenchResult run(Step s, double warmupSeconds, double minSeconds) {
        double warm = Timing.warmUp(s::run, warmupSeconds, MAX_WARMUP_SECONDS);
        Timing t = Timing.measure(s::run, 0, 3, minSeconds);
        int batch = s.x.dim(0);
        return BenchResult.of("train_step").with("model", s.params.config().presetName()).with("device", s.backend.name())
                .with("threads", s.backend.threads()).with("batch", batch)
                .with("clips_per_s", BenchResult.round(batch / t.medianSeconds(), 3))
                .with("ms_per_clip", BenchResult.round(t.medianSeconds() * 1e3 / batch, 2)).with(t)
                .with("loss", BenchResult.round(s.lastLoss, 5)).with("warmup_s", BenchResult.round(warm, 1))
                .with("peak_rss_mb", BenchResult.round(Memory.peakRssMegabytes(), 1));
    }

    /**
     * The device's training step against the host's: one forward and backward (no update) of the
     * same model (SsamInit seed 0) on the same {@code batch} clips and masks on {@code device} and on
     * {@code host} (the Cpu backend, checked against the official golden gradients by the test
     * suite); the loss and every gradient compared element by element. The line holds both losses,
     * the largest absolute and relative differences over the loss and the gradients and, when
     * {@code judge} is not null, whether every one of them is within it.
     */
    public static BenchResult check(Backend device, Backend host, SsamConfig config, int batch, Tolerance judge) {
        Step d = new Step(device, config, batch);
        Step h = new Step(host, config, batch);
        double lossDevice = d.gradients();
        double lossHost = h.gradients();
        Tensor gh = h.grads.flat();
        DeviceComparison cmp = new DeviceComparison(judge);
        cmp.add(lossHost, lossDevice);
        cmp.add(gh, d.grads.flat());
        return cmp.addTo(BenchResult.of("train_check").with("model", config.presetName())
                .with("device", device.name()).with("reference", host.name()).with("batch", batch)
                .with("loss", lossDevice).with("reference_loss", lossHost).with("gradients", gh.size()));
    }

    /** One training update with every buffer allocated once. */
    public static final class Step implements Runnable {
        private final Backend backend;
        private final SsamParams params;
        private final SsamParams grads;
        private final AdamWState optimizer;
        private final ClipParallelPretraining.Workspace ws;
        private final Tensor x;      // (B, T, F)
        private final Tensor mask;   // (B, P)
        private double lastLoss = Double.NaN;

        /** Builds the model, inputs and buffers for updates on {@code batch} clips. */
        public Step(Backend backend, SsamConfig config, int batch) {
            this.backend = backend;
            params = SsamInit.init(config, 0L);
            grads = SsamParams.zeros(config);
            optimizer = AdamWState.zeros(config, AdamWState.Hyper.OFFICIAL);
            ws = ClipParallelPretraining.Workspace.allocate(config, batch, backend);
            x = Tensor.zeros(batch, config.frames(), config.melBins());
            int samples = (config.frames() + 1) * LogMel.HOP;
            for (int b = 0; b < batch; b++) {
                SyntheticAudio.Sound sound = SyntheticAudio.Sound.values()[b % SyntheticAudio.classes()];
                // inputs are built once, untimed, on the host (GPU devices do not run the front end)
                Tensor one = LogMel.compute(Backend.ref(), SyntheticAudio.clip(sound, b, samples), config.frames());
                LogMel.normalize(one, one, LogMel.StdMode.BIASED);
                x.slice0(b, b + 1).copyFrom(one);
            }
            mask = Masking.sample(config, Masking.Mode.UNSTRUCTURED, 0L, batch);
        }

        /** One update: forward, backward, AdamW. */
        @Override
        public void run() {
            gradients();
            optimizer.update(backend, params, grads, 1e-4);
        }

        /** Forward and backward only: the loss, with the gradients left in this step's buffers. */
        double gradients() {
            lastLoss = ClipParallelPretraining.lossAndGradients(backend, params, x, mask, Pretraining.Options.OFFICIAL,
                    grads, ws).loss();
            return lastLoss;
        }

        /** The loss of the last update. */
        public double lastLoss() {
            return lastLoss;
        }
    }
}
