package dev.ssam.tools;

import dev.ssam.model.Masking;
import dev.ssam.model.Pretraining;
import dev.ssam.model.SsamConfig;
import dev.ssam.runtime.Backend;
import dev.ssam.tasks.train.PretrainOptions;
import dev.ssam.tasks.train.Pretrainer;
import dev.ssam.tasks.train.TrainListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ssam pretrain}: masked-patch reconstruction pretraining of an SSAM model on the CPU
 * ({@link Pretrainer}). Prints the resolved settings first, then a live progress line, then a
 * summary; errors are one line without a stack trace. Every default comes from
 * {@link PretrainOptions#defaults()}.
 *
 * <p>Exit status: 0 when the run finished, 1 when it could not start or stopped (missing data, no
 * usable clip, NaN loss, I/O error), 2 for usage errors.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Pretrain an SSAM model by masked-patch reconstruction (the official SSAM objective) on WAV "
                + "folders, a HEAR task's training audio, or generated audio.",
        footer = {"",
            "Writes to --out: config.json, metrics.jsonl (one JSON object per step), checkpoints/step-N/",
            "(model.safetensors, optimizer.safetensors, state.json), and at the end model.safetensors",
            "(loadable by 'ssam embed --model') and loss.png. The learning rate is --lr x batch / 256 with a",
            "linear warm-up and a cosine decay to --min-lr, updated every step (MAE's schedule).",
            "",
            "Examples:",
            "  ssam pretrain --data synthetic --config nano --steps 2000 --batch 8 --lr 0.05 --out runs/nano",
            "  ssam pretrain --data /data/audioset/wav --config tiny --epochs 100 --batch 64 --out runs/tiny",
            "  ssam pretrain --data synthetic --config nano --steps 4000 --batch 8 --lr 0.05 --out runs/nano --resume"})
public final class PretrainCommand implements Callable<Integer> {
    private static final PretrainOptions DEFAULTS = PretrainOptions.defaults();

    /** Model sizes. */
    enum Size { micro, nano, tiny, small, base }

    /** Losses. */
    enum LossName { all, masked }

    /** Masking modes. */
    enum MaskName { unstructured, timestep }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DeviceOptions device;

    @Option(names = "--data", paramLabel = "PATH|synthetic[:CLIPS[:SECONDS]]",
            description = "WAV folder (recursive), HEAR task folder (its training audio), or generated audio "
                    + "(default: ${DEFAULT-VALUE}; 'synthetic' is 256 clips of 10 s).")
    String data = DEFAULTS.data();

    @Option(names = "--config", paramLabel = "SIZE",
            description = "Model size: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Size config = Size.valueOf(DEFAULTS.model().presetName());

    @Option(names = "--steps", paramLabel = "N",
            description = "Optimiser steps; 0: derived from --epochs (default: ${DEFAULT-VALUE}).")
    long steps = DEFAULTS.steps();

    @Option(names = "--epochs", paramLabel = "N",
            description = "Epochs over the data, used when --steps is 0 (default: ${DEFAULT-VALUE}).")
    double epochs = DEFAULTS.epochs();

    @Option(names = "--batch", paramLabel = "B", description = "Clips per step (default: ${DEFAULT-VALUE}).")
    int batch = DEFAULTS.batch();

    @Option(names = "--accum", paramLabel = "K",
            description = "Gradient accumulation: micro-batches of --batch clips per step (default: ${DEFAULT-VALUE}).")
    int accum = DEFAULTS.accumSteps();

    @Option(names = "--lr", paramLabel = "LR",
            description = "Base learning rate per 256 clips; peak = LR x batch x accum / 256 (default: ${DEFAULT-VALUE}).")
    double lr = DEFAULTS.baseLr();

    @Option(names = "--min-lr", paramLabel = "LR", description = "Learning rate at the end of the cosine (default: ${DEFAULT-VALUE}).")
    double minLr = DEFAULTS.minLr();

    @Option(names = "--warmup-epochs", paramLabel = "E",
            description = "Linear warm-up length in epochs (default: min(10, run epochs / 10)).")
    Double warmupEpochs;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of init, shuffles, crops and masks (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out = DEFAULTS.out();

    @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.")
    boolean resume;

    @Option(names = "--loss", paramLabel = "LOSS",
            description = "Objective: all (MSE over all patches, official) or masked (masked patches only, MAE) "
                    + "(default: ${DEFAULT-VALUE}).")
    LossName loss = LossName.all;

    @Option(names = "--norm-patch", description = "Normalise each target patch (MAE norm_pix_loss).")
    boolean normPatch;

    @Option(names = "--mask-ratio", paramLabel = "R", description = "Fraction of patches masked (default: ${DEFAULT-VALUE}).")
    double maskRatio = DEFAULTS.model().maskRatio();

    @Option(names = "--mask-mode", paramLabel = "MODE",
            description = "Masking: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    MaskName maskMode = MaskName.unstructured;

    @Option(names = "--save-every", paramLabel = "K",
            description = "Checkpoint every K steps, and always at the end; 0: only at the end (default: ${DEFAULT-VALUE}).")
    long saveEvery = DEFAULTS.saveEvery();

    @Option(names = "--keep", paramLabel = "K", description = "Checkpoints kept, newest first (default: ${DEFAULT-VALUE}).")
    int keep = DEFAULTS.keep();

    @Option(names = "--clip-grad", paramLabel = "NORM",
            description = "Clip the global gradient norm to NORM; 0: off, as the official recipe (default: ${DEFAULT-VALUE}).")
    double clipGrad = DEFAULTS.clipGrad();

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Log-mel cache folder (default: OUT/cache).")
    Path cacheDir;

    @Option(names = {"-q", "--quiet"}, description = "No progress line; the settings and the summary are still printed.")
    boolean quiet;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        PrintWriter stdout = cl.getOut();
        PrintWriter err = cl.getErr();
        PretrainOptions o = options(cl);
        try (Backend backend = device.open()) {
            stdout.printf(Locale.ROOT, "ssam pretrain: model %s, %s masking at ratio %s, loss %s%s%n", o.model().summary(),
                    maskMode, o.model().maskRatio(), loss, normPatch ? " (normalised patches)" : "");
            stdout.printf(Locale.ROOT, "  device    %s, seed %d%n", backend, o.seed());
            stdout.printf(Locale.ROOT, "  data      %s (log-mel cache in %s)%n", o.data(), o.resolvedCacheDir());
            stdout.flush();
            ProgressPrinter printer = new ProgressPrinter(stdout, err, quiet);
            try (Pretrainer trainer = Pretrainer.open(o, backend, printer)) {
                trainer.run();
            }
            return 0;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            stdout.println();
            stdout.flush();
            err.println("ssam pretrain: " + UserErrors.message(e));
            err.flush();
            return 1;
        }
    }

    /** Validates the combination of options and builds the run's options. */
    private PretrainOptions options(CommandLine cl) {
        CommandLine.ParseResult parsed = cl.getParseResult();
        if (parsed.hasMatchedOption("--steps") && parsed.hasMatchedOption("--epochs")) {
            throw new CommandLine.ParameterException(cl, "give --steps or --epochs, not both");
        }
        SsamConfig base = SsamConfig.Preset.valueOf(config.name().toUpperCase(Locale.ROOT)).config();
        PretrainOptions.Builder b = PretrainOptions.builder();
        try {
            SsamConfig model = new SsamConfig(base.dModel(), base.depth(), base.dState(), base.expand(), base.dtRank(),
                    base.dConv(), base.patchFrames(), base.patchBins(), base.frames(), base.melBins(), base.normEps(), maskRatio);
            b.model(model).data(data).out(out).cacheDir(cacheDir).batch(batch).accumSteps(accum).baseLr(lr).minLr(minLr)
                    .seed(seed).resume(resume).normPatch(normPatch).saveEvery(saveEvery).keep(keep).clipGrad(clipGrad)
                    .loss(loss == LossName.all ? Pretraining.Loss.ALL : Pretraining.Loss.MASKED)
                    .maskMode(Masking.Mode.parse(maskMode.name())).steps(steps).epochs(epochs);
            if (warmupEpochs != null) {
                b.warmupEpochs(warmupEpochs);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage().replaceFirst("^(pretrain|SsamConfig): ", ""));
        }
    }

    /** Prints the plan, a live progress line (updated with \r) and the summary. */
    static final class ProgressPrinter implements TrainListener {
        private static final long MIN_INTERVAL_NANOS = 250_000_000L;
        private final PrintWriter out;
        private final PrintWriter err;
        private final boolean quiet;
        private long lastPrint;
        private boolean lineOpen;

        ProgressPrinter(PrintWriter out, PrintWriter err, boolean quiet) {
            this.out = out;
            this.err = err;
            this.quiet = quiet;
        }

        @Override
        public void skipped(String clip, String problem) {
            endLine();
            err.println("ssam pretrain: skipped " + clip + ": " + problem);
            err.flush();
        }

        @Override
        public void cacheProgress(int done, int total) {
            if (!quiet) {
                out.printf(Locale.ROOT, "\r  computing log-mels: %d/%d clips", done, total);
                out.flush();
                lineOpen = true;
            }
        }

        @Override
        public void cacheReady(Path file, boolean reused, int clips, long frames) {
            endLine();
            out.printf(Locale.ROOT, "  cache     %s (%s): %d clips, %.1f h of audio%n", file, reused ? "reused" : "built",
                    clips, frames * 0.01 / 3600);
        }

        @Override
        public void started(Plan p) {
            PretrainOptions o = p.options();
            out.printf(Locale.ROOT, "  model     %,d weights%s%n", p.modelParams(),
                    p.resumedFrom() == null ? ", initialised from the seed" : ", resumed from " + p.resumedFrom());
            out.printf(Locale.ROOT, "  schedule  %d steps of %d clips (batch %d x accum %d) = %.4g epochs of %d clips%n",
                    p.totalSteps(), o.globalBatch(), o.batch(), o.accumSteps(), p.epochs(), p.clips());
            out.printf(Locale.ROOT, "  lr        peak %.4g (base %.4g x %d / 256), warm-up %.4g epochs, cosine to %.4g%n",
                    p.schedule().peakLr(), o.baseLr(), o.globalBatch(), p.schedule().warmupEpochs(), p.schedule().minLr());
            out.printf(Locale.ROOT, "  optimiser AdamW betas (%s, %s), eps %s, weight decay %s; gradient clipping %s%n",
                    o.adam().beta1(), o.adam().beta2(), o.adam().eps(), o.adam().weightDecay(),
                    o.clipGrad() > 0 ? "at norm " + o.clipGrad() : "off");
            out.printf(Locale.ROOT, "  out       %s: checkpoints %s (keep %d), metrics.jsonl, loss.png, model.safetensors%n",
                    o.out(), o.saveEvery() > 0 ? "every " + o.saveEvery() + " steps and at the end" : "at the end",
                    o.keep());
            if (p.startStep() > 0) {
                out.printf(Locale.ROOT, "  resuming  at step %d of %d%n", p.startStep(), p.totalSteps());
            }
            out.flush();
        }

        @Override
        public void step(Progress p) {
            long now = System.nanoTime();
            boolean last = p.step() + 1 == p.totalSteps();
            if (quiet || (!last && now - lastPrint < MIN_INTERVAL_NANOS)) {
                return;
            }
            lastPrint = now;
            int width = 24;
            int filled = (int) (width * (p.step() + 1) / Math.max(1, p.totalSteps()));
            out.printf(Locale.ROOT, "\rstep %d/%d [%s%s] epoch %.2f loss %.4f lr %.3g %.2f clips/s ETA %s   ",
                    p.step() + 1, p.totalSteps(), "#".repeat(filled), ".".repeat(width - filled), p.epoch(), p.loss(), p.lr(),
                    p.clipsPerSecond(), duration(p.etaSeconds()));
            out.flush();
            lineOpen = true;
        }

        @Override
        public void checkpointSaved(Path dir, long step) {
            if (!quiet) {
                endLine();
                out.printf(Locale.ROOT, "  checkpoint %s%n", dir);
                out.flush();
            }
        }

        @Override
        public void warning(String message) {
            endLine();
            err.println("ssam pretrain: warning: " + message);
            err.flush();
        }

        @Override
        public void finished(Summary s) {
            endLine();
            if (s.stepsRun() == 0) {
                out.printf(Locale.ROOT, "ssam pretrain: nothing to do: the model already has %d steps%n", s.stepsDone());
            } else {
                out.printf(Locale.ROOT, "ssam pretrain: %d steps in %s (%.2f clips/s); loss %.4f -> %.4f%n", s.stepsRun(),
                        duration(s.seconds()), s.clipsPerSecond(), s.firstLoss(), s.lastLoss());
            }
            out.printf(Locale.ROOT, "  weights    %s%n  metrics    %s%n", s.weights(), s.metrics());
            if (s.lossCurve() != null) {
                out.printf(Locale.ROOT, "  loss curve %s%n", s.lossCurve());
            }
            out.printf(Locale.ROOT, "  checkpoint %s%n", s.checkpoint());
            out.flush();
        }

        private void endLine() {
            if (lineOpen) {
                out.println();
                lineOpen = false;
            }
        }

        static String duration(double seconds) {
            if (!Double.isFinite(seconds)) {
                return "?";
            }
            long s = Math.round(seconds);
            return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                    : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
        }
    }
}
