package dev.ssam.tasks.eval;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.tasks.hear.DataSplit;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.hear.SyntheticTask;
import dev.ssam.tasks.probe.ProbeConfig;
import dev.ssam.tasks.probe.ProbeKind;
import dev.ssam.tasks.probe.ProbeTrainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {
    @TempDir
    static Path tmp;
    static HearTask task;
    static Map<String, Tensor> blobs;

    @BeforeAll
    static void buildTask() throws IOException {
        task = HearTask.open(SyntheticTask.build(tmp.resolve("synthetic"), 6, 0.05).dir());
        blobs = blobEmbeddings(task, 12);
    }

    /** Embeddings that separate the classes: class k around a random centre, unit-scale noise. */
    static Map<String, Tensor> blobEmbeddings(HearTask t, int dim) {
        SplittableRandom c = new SplittableRandom(1);
        float[][] centres = new float[t.labels().size()][dim];
        for (float[] row : centres) {
            for (int j = 0; j < dim; j++) {
                row[j] = (float) (4 * c.nextGaussian());
            }
        }
        SplittableRandom r = new SplittableRandom(2);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String s : t.splits()) {
            List<HearTask.Clip> clips = t.clips(s);
            Tensor e = Tensor.zeros(clips.size(), dim);
            for (int i = 0; i < clips.size(); i++) {
                for (int j = 0; j < dim; j++) {
                    e.data()[i * dim + j] = centres[clips.get(i).classes()[0]][j] + (float) (0.3 * r.nextGaussian());
                }
            }
            out.put(s, e);
        }
        return out;
    }

    private static final class Counting implements EvalListener {
        int grid;
        int runs;
        int seeds;

        @Override
        public void probeTrained(String system, String task, int seed, DataSplit split, ProbeTrainer.Result r,
                                 boolean g, double testScore) {
            if (g) {
                grid++;
            } else {
                runs++;
            }
        }

        @Override
        public void seedFinished(String system, String task, int seed, double primary) {
            seeds++;
        }
    }

    @Test
    void linearProbeSeparatesBlobsOnEveryFold() {
        Counting l = new Counting();
        EvalConfig cfg = new EvalConfig(ProbeConfig.linear(), 2, 8, 0L, null);
        TaskResult r = new Evaluator(Backend.ref(), cfg, l).evaluate(task, "blobs", blobs);
        assertEquals("top1_acc", r.primary().metric());
        assertEquals(2, r.primary().perSeed().length);
        assertEquals(5, r.primary().perSeed()[0].length);
        assertTrue(r.primary().interval().mean() > 0.95, "accuracy " + r.primary().interval().mean());
        int total = 0;
        for (int[] row : r.confusion()) {
            for (int v : row) {
                total += v;
            }
        }
        assertEquals(60, total, "seed 0 tests every clip exactly once over the folds");
        assertEquals(10, l.runs);
        assertEquals(0, l.grid);
        assertEquals(2, l.seeds);
    }

    @Test
    void mlpGridSearchesDropoutOnTheFirstSplitOnly() {
        Counting l = new Counting();
        ProbeConfig small = new ProbeConfig(ProbeKind.MLP, 64, List.of(0.1, 0.25), 1e-2, 1024, 60, 3, 20, false);
        TaskResult r = new Evaluator(Backend.ref(), new EvalConfig(small, 2, 8, 0L, null), l).evaluate(task, "blobs", blobs);
        assertEquals(2 * 2, l.grid, "two dropouts per seed, first split only");
        assertEquals(2 * 5, l.runs);
        for (double d : r.dropouts()) {
            assertTrue(d == 0.1 || d == 0.25);
        }
        assertTrue(r.primary().interval().mean() > 0.9, "accuracy " + r.primary().interval().mean());
    }

    @Test
    void sameConfigGivesSameScores() {
        EvalConfig cfg = new EvalConfig(new ProbeConfig(ProbeKind.MLP, 16, List.of(0.1, 0.25), 1e-3, 1024, 9, 3, 20, false),
                2, 8, 0L, null);
        TaskResult a = new Evaluator(Backend.ref(), cfg, null).evaluate(task, "blobs", blobs);
        TaskResult b = new Evaluator(Backend.ref(), cfg, null).evaluate(task, "blobs", blobs);
        for (int s = 0; s < 2; s++) {
            assertArrayEquals(a.primary().perSeed()[s], b.primary().perSeed()[s]);
        }
    }

    @Test
    void unsupportedSecondaryMetricIsNotedAndUnsupportedPrimaryRejected() throws IOException {
        Path dir = tmp.resolve("copy");
        SyntheticTask.build(dir, 5, 0.05);
        String meta = Files.readString(dir.resolve("task_metadata.json"));
        Files.writeString(dir.resolve("task_metadata.json"), meta.replace("[\"top1_acc\"]", "[\"top1_acc\",\"d_prime\"]"));
        HearTask t = HearTask.open(dir);
        Evaluator ev = new Evaluator(Backend.ref(), new EvalConfig(ProbeConfig.linear(), 1, 8, 0L, null), null);
        TaskResult r = ev.evaluate(t, "blobs", blobEmbeddings(t, 8));
        assertEquals(1, r.metrics().size());
        assertTrue(r.notes().getFirst().contains("'d_prime' is not computed"));
        Files.writeString(dir.resolve("task_metadata.json"), meta.replace("[\"top1_acc\"]", "[\"aucroc\"]"));
        HearTask t2 = HearTask.open(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ev.evaluate(t2, "blobs", blobEmbeddings(t2, 8)));
        assertTrue(e.getMessage().contains("primary metric 'aucroc' is not supported"));
        Files.writeString(dir.resolve("task_metadata.json"), meta.replace("[\"top1_acc\"]", "[\"pitch_acc\",\"chroma_acc\"]"));
        HearTask t3 = HearTask.open(dir);
        e = assertThrows(IllegalArgumentException.class, () -> ev.evaluate(t3, "blobs", blobEmbeddings(t3, 8)));
        assertTrue(e.getMessage().contains("chroma_acc needs integer MIDI pitch labels"));
    }

    @Test
    void probeSeedsDifferPerSeedRunAndGridPoint() {
        assertEquals(1_002_001L, Evaluator.probeSeed(1, 2, 1));
        assertTrue(Evaluator.probeSeed(0, 1, 0) != Evaluator.probeSeed(0, 0, 1));
    }
}
