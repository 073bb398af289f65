package dev.ssam.tasks.train;

import dev.ssam.model.Masking;
import dev.ssam.model.Pretraining;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamInit;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.tasks.data.SyntheticAudio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretrainerTest {
    /** Micro-model runs on 12 synthetic 2.5 s clips; the cache is built once for all tests. */
    private static final String DATA = "synthetic:12:2.5";

    @TempDir
    static Path tmp;
    private static Backend cpu;

    @BeforeAll
    static void start() {
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void stop() {
        cpu.close();
    }

    /** Collects every update's loss. */
    static final class Losses implements TrainListener {
        final List<Double> losses = new ArrayList<>();
        final List<Long> steps = new ArrayList<>();
        final List<Long> saved = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        @Override
        public void step(Progress p) {
            losses.add(p.loss());
            steps.add(p.step());
        }

        @Override
        public void checkpointSaved(Path dir, long step) {
            saved.add(step);
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }
    }

    private static PretrainOptions.Builder micro(Path out) {
        return PretrainOptions.builder().model(SsamConfig.micro()).data(DATA).out(out).cacheDir(tmp.resolve("cache"))
                .batch(2).baseLr(0.1).seed(7);
    }

    private static TrainListener.Summary run(PretrainOptions o, TrainListener l) throws IOException {
        try (Pretrainer t = Pretrainer.open(o, cpu, l)) {
            return t.run();
        }
    }

    @Test
    void resumeIsBitwiseDeterministic() throws IOException {
        Path a = tmp.resolve("uninterrupted");
        Losses full = new Losses();
        run(micro(a).steps(8).saveEvery(4).keep(5).build(), full);
        assertEquals(List.of(4L, 8L), full.saved);
        assertEquals(8, full.losses.size());

        Path b = tmp.resolve("resumed");
        Path ckpt = Checkpoints.folder(a, 4);
        Path copy = Checkpoints.folder(b, 4);
        Files.createDirectories(copy);
        for (String f : new String[] {Checkpoints.MODEL, Checkpoints.OPTIMIZER, Checkpoints.STATE}) {
            Files.copy(ckpt.resolve(f), copy.resolve(f));
        }
        Losses resumed = new Losses();
        run(micro(b).steps(8).saveEvery(4).keep(5).resume(true).build(), resumed);
        assertEquals(List.of(4L, 5L, 6L, 7L), resumed.steps);
        assertTrue(resumed.warnings.isEmpty(), resumed.warnings.toString());
        for (int i = 0; i < 4; i++) {
            assertEquals(Double.doubleToRawLongBits(full.losses.get(4 + i)), Double.doubleToRawLongBits(resumed.losses.get(i)),
                    "loss of step " + (4 + i) + ": uninterrupted " + full.losses.get(4 + i) + ", resumed " + resumed.losses.get(i));
        }
        SsamParams wa = SsamWeights.load(a.resolve(Pretrainer.WEIGHTS));
        SsamParams wb = SsamWeights.load(b.resolve(Pretrainer.WEIGHTS));
        TensorCompare.assertBitwiseEqual("final weights", wa.flat(), wb.flat());
    }

    @Test
    void shortRunOnSyntheticDataLowersTheLossAndWritesEveryOutput() throws IOException {
        Path out = tmp.resolve("short");
        Losses l = new Losses();
        TrainListener.Summary s = run(micro(out).data("synthetic:24:3").steps(120).batch(4).baseLr(0.128)
                .saveEvery(50).keep(2).build(), l);
        assertEquals(120, s.stepsDone());
        double first = mean(l.losses.subList(0, 10));
        double last = mean(l.losses.subList(110, 120));
        System.out.printf("PretrainerTest: micro on synthetic data, mean loss of steps 0-9 %.4f, of steps 110-119 %.4f%n",
                first, last);
        assertTrue(last < 0.7 * first, "loss went from " + first + " to " + last);
        List<MetricsLog.Line> lines = MetricsLog.read(out.resolve(MetricsLog.FILE));
        assertEquals(120, lines.size());
        assertEquals(119, lines.getLast().step());
        assertEquals(l.losses.getLast(), lines.getLast().loss());
        BufferedImage png = ImageIO.read(out.resolve(LossCurve.FILE).toFile());
        assertEquals(LossCurve.WIDTH, png.getWidth());
        SsamParams w = SsamWeights.load(out.resolve(Pretrainer.WEIGHTS));
        assertEquals(SsamConfig.micro(), w.config());
        assertEquals(List.of(Checkpoints.folder(out, 100), Checkpoints.folder(out, 120)), Checkpoints.list(out));
        assertTrue(Files.isRegularFile(out.resolve(Pretrainer.CONFIG)));
    }

    @Test
    void nanoModelOverfitsOneBatchTenfold() {
        SsamConfig c = SsamConfig.nano();
        int batch = 2;
        SsamParams p = SsamInit.init(c, 1L);
        SsamParams g = SsamParams.zeros(c);
        AdamWState opt = AdamWState.zeros(c, AdamWState.Hyper.OFFICIAL);
        Pretraining.Workspace ws = Pretraining.Workspace.allocate(c, batch);
        Tensor x = Tensor.zeros(batch, c.frames(), c.melBins());
        for (int b = 0; b < batch; b++) {
            float[] wave = SyntheticAudio.clip(SyntheticAudio.Sound.values()[3 * b], b, (c.frames() + 1) * LogMel.HOP);
            Tensor one = LogMel.compute(cpu, wave, c.frames());
            LogMel.normalize(one, one, LogMel.StdMode.BIASED);
            x.slice0(b, b + 1).copyFrom(one);
        }
        Tensor mask = Masking.sample(c, Masking.Mode.UNSTRUCTURED, 3L, batch);
        double first = Double.NaN;
        double loss = Double.NaN;
        int s = 0;
        for (; s < 300; s++) {
            loss = Pretraining.lossAndGradients(cpu, p, x, mask, Pretraining.Options.OFFICIAL, g, ws).loss();
            if (s == 0) {
                first = loss;
            }
            if (loss < first / 10) {
                break;
            }
            opt.update(cpu, p, g, 3e-3);
        }
        System.out.printf("PretrainerTest: nano overfits one batch of 2: loss %.4f -> %.4f in %d AdamW steps (lr 3e-3)%n",
                first, loss, s);
        assertTrue(loss < first / 10, "loss only fell from " + first + " to " + loss + " in 300 steps");
    }

    @Test
    void accumulationAndClippingRunAndReportTheNorm() throws IOException {
        Path out = tmp.resolve("accum");
        List<TrainListener.Progress> seen = new ArrayList<>();
        TrainListener l = new TrainListener() {
            @Override
            public void step(Progress p) {
                seen.add(p);
            }
        };
        try (Pretrainer t = Pretrainer.open(micro(out).steps(3).accumSteps(2).clipGrad(0.5).build(), cpu, l)) {
            assertEquals(6, t.plan().microStepsPerEpoch());
            assertEquals(2.0 / 6, t.epochOf(1));
            t.run();
        }
        assertEquals(3, seen.size());
        for (TrainListener.Progress p : seen) {
            assertTrue(p.gradNorm() > 0 && Double.isFinite(p.gradNorm()), "grad norm " + p.gradNorm());
        }
    }

    @Test
    void epochsSetTheLengthAndTheAutomaticWarmUp() throws IOException {
        Path out = tmp.resolve("epochs");
        try (Pretrainer t = Pretrainer.open(micro(out).epochs(3).build(), cpu, TrainListener.NONE)) {
            TrainListener.Plan plan = t.plan();
            assertEquals(18, plan.totalSteps());
            assertEquals(3.0, plan.epochs());
            assertEquals(0.3, plan.schedule().warmupEpochs(), 1e-15);
            assertEquals(0.1 * 2 / 256, plan.schedule().peakLr(), 1e-18);
        }
    }

    @Test
    void refusesToMixRunsInOneFolder() throws IOException {
        Path out = tmp.resolve("mixed");
        run(micro(out).steps(1).build(), TrainListener.NONE);
        IllegalArgumentException fresh = assertThrows(IllegalArgumentException.class,
                () -> Pretrainer.open(micro(out).steps(2).build(), cpu, TrainListener.NONE));
        assertTrue(fresh.getMessage().contains("already holds checkpoints"), fresh.getMessage());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> Pretrainer.open(micro(out).model(SsamConfig.nano()).steps(2).resume(true).build(), cpu, TrainListener.NONE));
        assertTrue(other.getMessage().contains("the options ask for nano"), other.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Pretrainer.open(micro(tmp.resolve("nothing")).resume(true).build(), cpu, TrainListener.NONE));
        assertTrue(none.getMessage().contains("nothing to resume"), none.getMessage());
    }

    private static double mean(List<Double> v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.size();
    }
}
