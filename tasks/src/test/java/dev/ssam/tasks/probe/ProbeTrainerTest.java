package dev.ssam.tasks.probe;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.tasks.eval.Metrics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeTrainerTest {
    private static final ProbeData TRAIN = Blobs.make(300, 24, 4, 11L, 1L);
    private static final ProbeData VALID = Blobs.make(80, 24, 4, 11L, 2L);
    private static final ProbeData TEST = Blobs.make(200, 24, 4, 11L, 3L);

    @Test
    void mlpReachesNearPerfectAccuracyOnSeparableBlobs() {
        try (Backend cpu = Backend.cpu(2)) {
            ProbeTrainer.Result r = ProbeTrainer.train(cpu, ProbeConfig.hear(), 0.1, TRAIN, VALID, ProbeLoss.SOFTMAX_CE,
                    Metrics::top1, 0L);
            double acc = Metrics.top1(r.probe().predict(cpu, TEST.x()), TEST.y());
            assertTrue(acc >= 0.98, "test accuracy " + acc);
            assertTrue(r.validScore() >= 0.98, "validation accuracy " + r.validScore());
            assertEquals(0, r.bestEpoch() % 3, "checkpoints only at validation epochs");
        }
    }

    @Test
    void linearProbeReachesNearPerfectAccuracyOnSeparableBlobs() {
        try (Backend cpu = Backend.cpu(2)) {
            ProbeTrainer.Result r = ProbeTrainer.train(cpu, ProbeConfig.linear(), 0.0, TRAIN, VALID, ProbeLoss.SOFTMAX_CE,
                    Metrics::top1, 5L);
            assertTrue(Metrics.top1(r.probe().predict(cpu, TEST.x()), TEST.y()) >= 0.98);
        }
    }

    @Test
    void sameSeedGivesBitwiseSamePredictions() {
        ProbeConfig cfg = new ProbeConfig(ProbeKind.MLP, 64, List.of(0.25), 1e-3, 128, 12, 3, 20, false);
        try (Backend cpu = Backend.cpu(2)) {
            ProbeTrainer.Result a = ProbeTrainer.train(cpu, cfg, 0.25, TRAIN, VALID, ProbeLoss.SOFTMAX_CE, Metrics::top1, 7L);
            ProbeTrainer.Result b = ProbeTrainer.train(cpu, cfg, 0.25, TRAIN, VALID, ProbeLoss.SOFTMAX_CE, Metrics::top1, 7L);
            TensorCompare.assertBitwiseEqual("predictions", a.probe().predict(cpu, TEST.x()), b.probe().predict(cpu, TEST.x()));
            ProbeTrainer.Result c = ProbeTrainer.train(cpu, cfg, 0.25, TRAIN, VALID, ProbeLoss.SOFTMAX_CE, Metrics::top1, 8L);
            Tensor pa = a.probe().predict(cpu, TEST.x());
            Tensor pc = c.probe().predict(cpu, TEST.x());
            assertTrue(!java.util.Arrays.equals(pa.toArray(), pc.toArray()), "another seed gives another probe");
        }
    }

    @Test
    void stopsAfterPatienceValidationsWithoutImprovement() {
        // a constant validation score improves once (the first validation) and then never
        ProbeConfig cfg = new ProbeConfig(ProbeKind.LINEAR, 0, List.of(0.0), 1e-3, 64, 500, 3, 4, false);
        ProbeTrainer.Result r = ProbeTrainer.train(Backend.ref(), cfg, 0.0, TRAIN, VALID, ProbeLoss.SOFTMAX_CE,
                (p, y) -> 0.5, 0L);
        assertEquals(3, r.bestEpoch());
        assertEquals(3 + 4 * 3, r.epochs());
    }

    @Test
    void multilabelProbeTrainsWithSigmoidLoss() {
        try (Backend cpu = Backend.cpu(2)) {
            ProbeTrainer.Result r = ProbeTrainer.train(cpu, ProbeConfig.linear(), 0.0, TRAIN, VALID, ProbeLoss.SIGMOID_BCE,
                    Metrics::meanAveragePrecision, 0L);
            assertTrue(Metrics.meanAveragePrecision(r.probe().predict(cpu, TEST.x()), TEST.y()) > 0.95);
        }
    }

    @Test
    void rejectsMismatchedSplits() {
        ProbeData other = Blobs.make(10, 5, 4, 1L, 1L);
        assertThrows(IllegalArgumentException.class, () -> ProbeTrainer.train(Backend.ref(), ProbeConfig.linear(), 0.0,
                TRAIN, other, ProbeLoss.SOFTMAX_CE, Metrics::top1, 0L));
    }
}
