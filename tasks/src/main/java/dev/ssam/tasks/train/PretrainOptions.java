package dev.ssam.tasks.train;

import dev.ssam.model.Masking;
import dev.ssam.model.Pretraining;
import dev.ssam.model.SsamConfig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of a pretraining run, validated once. The defaults, on one screen (the official
 * recipe of SSAM-SPEC section 5 where it has one):
 *
 * <pre>
 *   model        nano                 SsamConfig preset; mask ratio 0.5 inside it
 *   data         "synthetic"          folder of WAVs | HEAR task folder | synthetic[:CLIPS[:SECONDS]]
 *   out          runs/pretrain        checkpoints, metrics.jsonl, loss.png, model.safetensors
 *   cacheDir     null                 log-mel cache folder; null: out/cache
 *   steps        0                    optimiser updates; 0: derived from epochs
 *   epochs       100                  run length when steps is 0 (the LR schedule always spans the run)
 *   batch        8                    clips per micro-batch B
 *   accumSteps   1                    micro-batches per update (global batch = B x accumSteps)
 *   baseLr       1.5e-4               peak lr = baseLr x global batch / 256
 *   warmupEpochs NaN                  NaN: min(10, run epochs / 10) (the paper: 10 of 100)
 *   minLr        0                    end of the cosine
 *   adam         0.9, 0.95, 1e-8, 0.05   betas, eps, weight decay (AdamWState.Hyper.OFFICIAL)
 *   loss         ALL                  official objective; MASKED = classic MAE loss
 *   normPatch    false                MAE norm_pix_loss
 *   maskMode     UNSTRUCTURED         or TIMESTEP
 *   clipGrad     0                    max global gradient L2 norm; 0: no clipping (official)
 *   seed         0                    init, shuffles, crops and masks all derive from it
 *   saveEvery    1000                 checkpoint every K updates (and always at the end); 0: end only
 *   keep         3                    checkpoints kept (the newest)
 *   prefetch     4                    batches prepared ahead by the background thread
 *   resume       false                continue from the newest checkpoint in out
 * </pre>
 *
 * <pre>{@code
 * PretrainOptions o = PretrainOptions.builder().model(SsamConfig.micro()).steps(200).batch(4).out(dir).build();
 * }</pre>
 *
 * @param model        architecture (and mask ratio)
 * @param data         data spec ({@link dev.ssam.tasks.data.AudioSource#open})
 * @param out          output folder
 * @param cacheDir     log-mel cache folder, or null for {@code out/cache}
 * @param steps        optimiser updates, or 0 to derive them from {@code epochs}
 * @param epochs       run length in epochs (positive)
 * @param batch        clips per micro-batch
 * @param accumSteps   micro-batches accumulated per update
 * @param baseLr       base learning rate (per 256 clips)
 * @param warmupEpochs warm-up epochs, or NaN for the automatic value
 * @param minLr        final learning rate
 * @param adam         AdamW hyperparameters
 * @param loss         the optimised loss
 * @param normPatch    normalise target patches
 * @param maskMode     masking mode
 * @param clipGrad     maximum global gradient norm, 0 = off
 * @param seed         run seed
 * @param saveEvery    updates between checkpoints, 0 = only at the end
 * @param keep         checkpoints kept
 * @param prefetch     batches prepared ahead
 * @param resume       continue from the newest checkpoint in {@code out}
 */
public record PretrainOptions(SsamConfig model, String data, Path out, Path cacheDir, long steps, double epochs,
                              int batch, int accumSteps, double baseLr, double warmupEpochs, double minLr,
                              AdamWState.Hyper adam, Pretraining.Loss loss, boolean normPatch, Masking.Mode maskMode,
                              double clipGrad, long seed, long saveEvery, int keep, int prefetch, boolean resume) {

    public PretrainOptions {
        require(model != null, "model is missing");
        require(data != null && !data.isBlank(), "data is missing");
        require(out != null, "out folder is missing");
        require(adam != null && loss != null && maskMode != null, "adam, loss and maskMode are required");
        require(steps >= 0, "steps is " + steps + ", expected >= 0 (0: derive from epochs)");
        require(epochs > 0 && Double.isFinite(epochs), "epochs is " + epochs + ", expected a finite value > 0");
        require(batch >= 1, "batch is " + batch + ", expected at least 1");
        require(accumSteps >= 1, "accumSteps is " + accumSteps + ", expected at least 1");
        require(baseLr >= 0 && Double.isFinite(baseLr), "base lr is " + baseLr + ", expected a finite value >= 0");
        require(Double.isNaN(warmupEpochs) || warmupEpochs >= 0, "warm-up is " + warmupEpochs + " epochs, expected >= 0");
        require(minLr >= 0, "min lr is " + minLr + ", expected >= 0");
        require(clipGrad >= 0, "clipGrad is " + clipGrad + ", expected >= 0 (0: off)");
        require(saveEvery >= 0, "saveEvery is " + saveEvery + ", expected >= 0 (0: only at the end)");
        require(keep >= 1, "keep is " + keep + ", expected at least 1");
        require(prefetch >= 1, "prefetch is " + prefetch + ", expected at least 1");
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("pretrain: " + problem);
        }
    }

    /** A builder holding the defaults of the class comment. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static PretrainOptions defaults() {
        return builder().build();
    }

    /** The log-mel cache folder in use. */
    public Path resolvedCacheDir() {
        return cacheDir != null ? cacheDir : out.resolve("cache");
    }

    /** Clips per optimiser update. */
    public int globalBatch() {
        return batch * accumSteps;
    }

    /** The options as a JSON-ready map (stored in config.json and every checkpoint). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.presetName());
        m.put("data", data);
        m.put("out", out.toString());
        m.put("cache_dir", resolvedCacheDir().toString());
        m.put("steps", steps);
        m.put("epochs", epochs);
        m.put("batch", batch);
        m.put("accum_steps", accumSteps);
        m.put("base_lr", baseLr);
        m.put("warmup_epochs", Double.isNaN(warmupEpochs) ? "auto" : warmupEpochs);
        m.put("min_lr", minLr);
        m.put("betas", java.util.List.of(adam.beta1(), adam.beta2()));
        m.put("eps", adam.eps());
        m.put("weight_decay", adam.weightDecay());
        m.put("loss", loss.name().toLowerCase(java.util.Locale.ROOT));
        m.put("norm_pix_loss", normPatch);
        m.put("mask_ratio", model.maskRatio());
        m.put("masking_mode", maskMode.officialName());
        m.put("clip_grad", clipGrad);
        m.put("seed", seed);
        m.put("save_every", saveEvery);
        m.put("keep", keep);
        m.put("prefetch", prefetch);
        m.put("resume", resume);
        return m;
    }

    /** Mutable holder of the defaults; {@link #build()} validates. */
    public static final class Builder {
        private SsamConfig model = SsamConfig.nano();
        private String data = "synthetic";
        private Path out = Path.of("runs", "pretrain");
        private Path cacheDir;
        private long steps;
        private double epochs = 100;
        private int batch = 8;
        private int accumSteps = 1;
        private double baseLr = 1.5e-4;
        private double warmupEpochs = Double.NaN;
        private double minLr;
        private AdamWState.Hyper adam = AdamWState.Hyper.OFFICIAL;
        private Pretraining.Loss loss = Pretraining.Loss.ALL;
        private boolean normPatch;
        private Masking.Mode maskMode = Masking.Mode.UNSTRUCTURED;
        private double clipGrad;
        private long seed;
        private long saveEvery = 1000;
        private int keep = 3;
        private int prefetch = 4;
        private boolean resume;

        private Builder() {
        }

        public Builder model(SsamConfig v) {
            model = v;
            return this;
        }

        public Builder data(String v) {
            data = v;
            return this;
        }

        public Builder out(Path v) {
            out = v;
            return this;
        }

        public Builder cacheDir(Path v) {
            cacheDir = v;
            return this;
        }

        public Builder steps(long v) {
            steps = v;
            return this;
        }

        public Builder epochs(double v) {
            epochs = v;
            return this;
        }

        public Builder batch(int v) {
            batch = v;
            return this;
        }

        public Builder accumSteps(int v) {
            accumSteps = v;
            return this;
        }

        public Builder baseLr(double v) {
            baseLr = v;
            return this;
        }

        public Builder warmupEpochs(double v) {
            warmupEpochs = v;
            return this;
        }

        public Builder minLr(double v) {
            minLr = v;
            return this;
        }

        public Builder adam(AdamWState.Hyper v) {
            adam = v;
            return this;
        }

        public Builder loss(Pretraining.Loss v) {
            loss = v;
            return this;
        }

        public Builder normPatch(boolean v) {
            normPatch = v;
            return this;
        }

        public Builder maskMode(Masking.Mode v) {
            maskMode = v;
            return this;
        }

        public Builder clipGrad(double v) {
            clipGrad = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder saveEvery(long v) {
            saveEvery = v;
            return this;
        }

        public Builder keep(int v) {
            keep = v;
            return this;
        }

        public Builder prefetch(int v) {
            prefetch = v;
            return this;
        }

        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        public PretrainOptions build() {
            return new PretrainOptions(model, data, out, cacheDir, steps, epochs, batch, accumSteps, baseLr, warmupEpochs,
                    minLr, adam, loss, normPatch, maskMode, clipGrad, seed, saveEvery, keep, prefetch, resume);
        }
    }
}
