package dev.ssam.tasks.train;

import dev.ssam.model.ClipParallelPretraining;
import dev.ssam.model.Pretraining;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamInit;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.io.Json;
import dev.ssam.tasks.data.AudioSource;
import dev.ssam.tasks.data.BatchPrefetcher;
import dev.ssam.tasks.data.CropBatches;
import dev.ssam.tasks.data.LogMelCache;
import dev.ssam.tasks.data.Seeds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pretraining loop (SSAM-SPEC section 5), one readable loop in {@link #run()}:
 *
 * <pre>
 *   for step in [start, total):
 *       lr = schedule(epoch = step accum / microStepsPerEpoch)          MAE adjust_learning_rate
 *       for each of accum micro-batches (prefetched crops + masks of micro-step step accum + a):
 *           loss, grads = Pretraining.lossAndGradients(model, x, mask)
 *       grads = mean over micro-batches; optionally clip the global norm
 *       AdamW update (official parameter groups); log metrics; checkpoint every saveEvery updates
 * </pre>
 * On the Cpu backend the clips of a micro-batch are split between the threads, each computing
 * whole clips ({@link ClipParallelPretraining}). Everything the step needs (workspace, gradients,
 * optimiser state, batch buffers) is allocated once in {@link #open}. Batches are filled on a
 * background thread ({@link BatchPrefetcher}).
 *
 * <p>Determinism: the initial weights, the epoch shuffles, the crops and the masks are pure
 * functions of the seed and a counter ({@link Seeds}); checkpoints store weights, AdamW moments and
 * the counters. On the same backend and thread count, a run resumed from a checkpoint reproduces
 * the uninterrupted run's losses bitwise.
 *
 * <p>Output folder: {@code config.json} (resolved options and model), {@code metrics.jsonl}
 * ({@link MetricsLog}), {@code checkpoints/} ({@link Checkpoints}), and at the end
 * {@code model.safetensors} (final weights in official names, loadable by {@code ssam embed}) and
 * {@code loss.png} ({@link LossCurve}).
 *
 * <pre>{@code
 * PretrainOptions o = PretrainOptions.builder().model(SsamConfig.nano()).steps(500).out(Path.of("runs/nano")).build();
 * try (Backend cpu = Backend.cpu(2); Pretrainer t = Pretrainer.open(o, cpu, TrainListener.NONE)) {
 *     TrainListener.Summary s = t.run();
 * }
 * }</pre>
 */
public final class Pretrainer implements AutoCloseable {
    /** Final weights file in the output folder. */
    public static final String WEIGHTS = "model.safetensors";
    /** Resolved settings file in the output folder. */
    public static final String CONFIG = "config.json";
    /** Steps in the throughput window of the progress reports. */
    private static final int WINDOW = 20;

    private final PretrainOptions o;
    private final Backend backend;
    private final TrainListener listener;
    private final SsamConfig config;
    private final LogMelCache cache;
    private final CropBatches batches;
    private final SsamParams params;
    private final AdamWState optimizer;
    private final SsamParams grads;      // gradients of one micro-batch
    private final SsamParams gradSum;    // mean over micro-batches; null when accumSteps is 1
    private final ClipParallelPretraining.Workspace ws;
    private final Pretraining.Options lossOptions;
    private final TrainListener.Plan plan;
    private long step;
    private final double elapsedBefore;

    private Pretrainer(PretrainOptions o, Backend backend, TrainListener listener, LogMelCache cache, SsamParams params,
                       AdamWState optimizer, long startStep, double elapsedBefore, Path resumedFrom) {
        this.o = o;
        this.backend = backend;
        this.listener = listener;
        this.config = o.model();
        this.cache = cache;
        this.batches = new CropBatches(cache, config, o.maskMode(), o.batch(), o.seed());
        this.params = params;
        this.optimizer = optimizer;
        this.grads = SsamParams.zeros(config);
        this.gradSum = o.accumSteps() > 1 ? SsamParams.zeros(config) : null;
        this.ws = ClipParallelPretraining.Workspace.allocate(config, o.batch(), backend);
        this.lossOptions = new Pretraining.Options(o.loss(), o.normPatch());
        this.step = startStep;
        this.elapsedBefore = elapsedBefore;
        long perEpoch = Math.max(1, cache.clips() / o.batch());
        long total = o.steps() > 0 ? o.steps() : (long) Math.ceil(o.epochs() * perEpoch / o.accumSteps());
        double epochs = (double) total * o.accumSteps() / perEpoch;
        double warmup = Double.isNaN(o.warmupEpochs()) ? Math.min(10, epochs / 10) : o.warmupEpochs();
        if (warmup >= epochs) {
            throw new IllegalArgumentException("pretrain: warm-up of " + warmup + " epochs does not fit a run of "
                    + String.format(java.util.Locale.ROOT, "%.4g", epochs) + " epochs (" + total + " steps of "
                    + o.globalBatch() + " clips over " + cache.clips() + " clips); lower --warmup-epochs or train longer");
        }
        LrSchedule schedule = new LrSchedule(LrSchedule.scaledPeak(o.baseLr(), o.globalBatch()), warmup, epochs, o.minLr());
        this.plan = new TrainListener.Plan(o, SsamParams.numParams(config), cache.clips(), perEpoch, total, startStep,
                epochs, schedule, resumedFrom);
        if (startStep > total) {
            throw new IllegalArgumentException("pretrain: the checkpoint is at step " + startStep + ", past this run's "
                    + total + " steps; raise --steps or --epochs to continue");
        }
    }

    /**
     * Prepares a run: opens (or builds) the log-mel cache, then initialises the model from the seed
     * or, with {@link PretrainOptions#resume()}, loads the newest checkpoint in the output folder.
     *
     * @throws IllegalArgumentException for an empty data source, a resume without checkpoint, a fresh
     *                                  run into a folder that has checkpoints, or a checkpoint of
     *                                  another model
     */
    public static Pretrainer open(PretrainOptions o, Backend backend, TrainListener listener) throws IOException {
        TrainListener l = listener == null ? TrainListener.NONE : listener;
        Path newest = Checkpoints.latest(o.out());
        if (!o.resume() && newest != null) {
            throw new IllegalArgumentException("pretrain: " + o.out() + " already holds checkpoints (newest "
                    + newest.getFileName() + "); resume with --resume or choose another --out");
        }
        if (o.resume() && newest == null) {
            throw new IllegalArgumentException("pretrain: nothing to resume: no checkpoint in " + o.out().resolve(Checkpoints.DIR));
        }
        LogMelCache cache = LogMelCache.open(AudioSource.open(o.data()), o.resolvedCacheDir(), backend, l);
        try {
            if (!o.resume()) {
                SsamParams p = SsamInit.init(o.model(), Seeds.derive(o.seed(), Seeds.Purpose.INIT, 0));
                return new Pretrainer(o, backend, l, cache, p, AdamWState.zeros(o.model(), o.adam()), 0, 0, null);
            }
            Checkpoints.Loaded c = Checkpoints.load(newest, o.adam());
            Checkpoints.State s = c.state();
            if (!s.config().equals(o.model())) {
                throw new IllegalArgumentException("pretrain: checkpoint " + newest + " is a model " + s.config().summary()
                        + " (mask ratio " + s.config().maskRatio() + "), the options ask for " + o.model().summary()
                        + " (mask ratio " + o.model().maskRatio() + ")");
            }
            if (!s.dataFingerprint().equals(cache.key())) {
                l.warning("the data differ from the checkpoint's; batches after the resume differ from an uninterrupted run");
            }
            if (s.seed() != o.seed() || s.microStep() != s.step() * o.accumSteps()) {
                l.warning("seed or gradient accumulation differ from the checkpoint's run; later batches differ from it");
            }
            return new Pretrainer(o, backend, l, cache, c.params(), c.optimizer(), s.step(), s.elapsedSeconds(), newest);
        } catch (IOException | RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    /** The resolved run. */
    public TrainListener.Plan plan() {
        return plan;
    }

    /** The model being trained (updated in place by every step). */
    public SsamParams params() {
        return params;
    }

    /** Updates done so far. */
    public long step() {
        return step;
    }

    /** The fractional epoch at the start of update {@code s}: s accumSteps / microStepsPerEpoch. */
    public double epochOf(long s) {
        return (double) s * o.accumSteps() / plan.microStepsPerEpoch();
    }

    /** Runs the remaining updates, checkpointing as configured; see the class comment. */
    public TrainListener.Summary run() throws IOException {
        Path out = o.out();
        Files.createDirectories(out);
        writeConfig(out.resolve(CONFIG));
        listener.started(plan);
        long first = step;
        double[] window = new double[WINDOW];
        double seconds = 0;
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        Path checkpoint = plan.resumedFrom();
        try (MetricsLog log = MetricsLog.open(out.resolve(MetricsLog.FILE), step);
             BatchPrefetcher prefetch = new BatchPrefetcher(batches, config, step * o.accumSteps(), o.prefetch())) {
            while (step < plan.totalSteps()) {
                long t0 = System.nanoTime();
                double epoch = epochOf(step);
                double lr = plan.schedule().lr(epoch);
                double[] losses = accumulate(prefetch);
                if (!Double.isFinite(losses[0])) {
                    throw new IllegalStateException("pretrain: loss is " + losses[0] + " at step " + step + "; stopping"
                            + (checkpoint == null ? "" : " (newest checkpoint: " + checkpoint + ")"));
                }
                SsamParams g = gradSum != null ? gradSum : grads;
                double norm = o.clipGrad() > 0 ? GradClip.clip(backend, g, o.clipGrad()) : Double.NaN;
                optimizer.update(backend, params, g, lr);
                step++;
                double dt = (System.nanoTime() - t0) * 1e-9;
                seconds += dt;
                window[(int) ((step - first - 1) % WINDOW)] = dt;
                double mean = mean(window, (int) Math.min(WINDOW, step - first));
                TrainListener.Progress p = new TrainListener.Progress(step - 1, plan.totalSteps(), epoch, losses[0],
                        losses[1], losses[2], lr, norm, o.globalBatch() / mean, elapsedBefore + seconds,
                        (plan.totalSteps() - step) * mean);
                log.append(p);
                listener.step(p);
                if (Double.isNaN(firstLoss)) {
                    firstLoss = losses[0];
                }
                lastLoss = losses[0];
                if (step == plan.totalSteps() || (o.saveEvery() > 0 && step % o.saveEvery() == 0)) {
                    checkpoint = saveCheckpoint(elapsedBefore + seconds);
                }
            }
        }
        if (checkpoint == null) {
            checkpoint = saveCheckpoint(elapsedBefore + seconds);
        }
        Path weights = out.resolve(WEIGHTS);
        SsamWeights.save(weights, params);
        Path curve = out.resolve(LossCurve.FILE);
        try {
            LossCurve.write(curve, MetricsLog.read(out.resolve(MetricsLog.FILE)), config.presetName() + " (D "
                    + config.dModel() + ", depth " + config.depth() + "), batch " + o.globalBatch() + ", " + o.data());
        } catch (IOException | RuntimeException | InternalError | LinkageError e) {
            // The curve is a convenience: a JDK without font support (InternalError, UnsatisfiedLinkError
            // from the font manager) must not fail a finished run.
            listener.warning("could not draw " + curve + ": " + e);
            curve = null;
        }
        long run = step - first;
        TrainListener.Summary s = new TrainListener.Summary(step, run, firstLoss, lastLoss, seconds,
                run == 0 ? 0 : run * o.globalBatch() / seconds, weights, out.resolve(MetricsLog.FILE), curve, checkpoint);
        listener.finished(s);
        return s;
    }

    /** Forward and backward over the accumSteps micro-batches of this step; returns mean (loss, all, masked). */
    private double[] accumulate(BatchPrefetcher prefetch) {
        double[] sum = new double[3];
        int n = o.accumSteps();
        for (int a = 0; a < n; a++) {
            BatchPrefetcher.Batch b = prefetch.take();
            Pretraining.Result r;
            try {
                r = ClipParallelPretraining.lossAndGradients(backend, params, b.x(), b.mask(), lossOptions, grads, ws);
            } finally {
                prefetch.release(b);
            }
            sum[0] += r.loss();
            sum[1] += r.lossAll();
            sum[2] += r.lossMasked();
            if (gradSum != null) {
                if (a == 0) {
                    gradSum.flat().copyFrom(grads.flat());
                } else {
                    Elementwise.add(backend, gradSum.flat(), grads.flat(), gradSum.flat());
                }
            }
        }
        if (gradSum != null) {
            Elementwise.scale(backend, gradSum.flat(), 1f / n, gradSum.flat());
        }
        for (int i = 0; i < 3; i++) {
            sum[i] /= n;
        }
        return sum;
    }

    private static double mean(double[] w, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += w[i];
        }
        return s / n;
    }

    private Path saveCheckpoint(double elapsed) throws IOException {
        Checkpoints.State s = new Checkpoints.State(step, step * o.accumSteps(), epochOf(step), o.seed(), elapsed, config,
                o.toMap(), cache.key(), cache.clips());
        Path dir = Checkpoints.save(o.out(), s, params, optimizer, o.keep());
        listener.checkpointSaved(dir, step);
        return dir;
    }

    private void writeConfig(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("options", o.toMap());
        m.put("config", Json.parseObject(config.toJson()));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("model_params", plan.modelParams());
        p.put("clips", plan.clips());
        p.put("micro_steps_per_epoch", plan.microStepsPerEpoch());
        p.put("total_steps", plan.totalSteps());
        p.put("epochs", plan.epochs());
        p.put("peak_lr", plan.schedule().peakLr());
        p.put("warmup_epochs", plan.schedule().warmupEpochs());
        p.put("backend", backend.toString());
        p.put("cache", cache.file().toString());
        m.put("plan", p);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(m) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Closes the log-mel cache mapping. */
    @Override
    public void close() {
        cache.close();
    }
}
