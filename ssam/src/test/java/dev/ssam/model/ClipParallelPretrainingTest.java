package dev.ssam.model;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole clips per thread: golden values, thread-count independence and agreement with the batched step. */
class ClipParallelPretrainingTest {
    private static Backend cpu1;
    private static Backend cpu2;
    private static Backend cpu3;

    @BeforeAll
    static void start() {
        cpu1 = Backend.cpu(1);
        cpu2 = Backend.cpu(2);
        cpu3 = Backend.cpu(3);
    }

    @AfterAll
    static void stop() {
        cpu1.close();
        cpu2.close();
        cpu3.close();
    }

    private static Tensor scalar(double v) {
        return Tensor.of(new float[] {(float) v}, 1);
    }

    /** (B, T, F) standard normal log-mel stand-ins. */
    private static Tensor input(SsamConfig c, int batch, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(batch, c.frames(), c.melBins());
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    private record Step(Pretraining.Result result, SsamParams grads, ClipParallelPretraining.Workspace ws) {
    }

    private static Step step(Backend backend, SsamParams p, Tensor x, Tensor mask, Pretraining.Options o) {
        ClipParallelPretraining.Workspace ws = ClipParallelPretraining.Workspace.allocate(p.config(), x.dim(0), backend);
        SsamParams g = SsamParams.zeros(p.config());
        g.flat().fill(Float.NaN);   // every gradient must be overwritten
        Pretraining.Result r = ClipParallelPretraining.lossAndGradients(backend, p, x, mask, o, g, ws);
        return new Step(r, g, ws);
    }

    private static Step batched(Backend backend, SsamParams p, Tensor x, Tensor mask, Pretraining.Options o) {
        Pretraining.Workspace ws = Pretraining.Workspace.allocate(p.config(), x.dim(0));
        SsamParams g = SsamParams.zeros(p.config());
        return new Step(Pretraining.lossAndGradients(backend, p, x, mask, o, g, ws), g, null);
    }

    @Test
    void microLossAndEveryGradientMatchGolden() throws IOException {
        SsamParams p = SsamWeights.load(GoldenFiles.resource(getClass(), "micro.safetensors"));
        try (Safetensors g = Safetensors.open(GoldenFiles.resource(getClass(), "micro_golden.safetensors"))) {
            Step s = step(cpu2, p, g.tensor("x"), g.tensor("mask"), Pretraining.Options.OFFICIAL);
            TensorCompare.assertClose("loss_all", g.tensor("loss_all"), scalar(s.result().lossAll()), Tolerance.MODEL_VS_GOLDEN);
            TensorCompare.assertClose("loss_masked", g.tensor("loss_masked"), scalar(s.result().lossMasked()),
                    Tolerance.MODEL_VS_GOLDEN);
            TensorCompare.assertClose("pred", g.tensor("pred"), s.ws().pred(), Tolerance.MODEL_VS_GOLDEN);
            TensorCompare.assertClose("target", g.tensor("target"), s.ws().target(), Tolerance.MODEL_VS_GOLDEN);
            Map<String, Tensor> named = s.grads().named();
            int checked = 0;
            for (String name : g.names()) {
                if (name.startsWith("grad.")) {
                    TensorCompare.assertClose(name, g.tensor(name), named.get(name.substring(5)), Tolerance.MODEL_VS_GOLDEN);
                    checked++;
                }
            }
            assertTrue(checked >= 9, "only " + checked + " golden gradients found");
        }
    }

    @Test
    void resultsAreBitwiseIndependentOfTheThreadCount() {
        SsamConfig c = SsamConfig.micro();
        SsamParams p = SsamInit.init(c, 3L);
        Tensor x = input(c, 5, 11L);
        Tensor mask = Masking.sample(c, Masking.Mode.UNSTRUCTURED, 5L, 5);
        Step one = step(cpu1, p, x, mask, Pretraining.Options.OFFICIAL);
        for (Backend b : new Backend[] {cpu2, cpu3}) {
            Step s = step(b, p, x, mask, Pretraining.Options.OFFICIAL);
            assertEquals(one.result(), s.result(), "losses on " + b);
            TensorCompare.assertBitwiseEqual("grads on " + b, one.grads().flat(), s.grads().flat());
            TensorCompare.assertBitwiseEqual("pred on " + b, one.ws().pred(), s.ws().pred());
        }
    }

    @Test
    void nanoMatchesTheBatchedStep() {
        SsamConfig c = SsamConfig.nano();
        SsamParams p = SsamInit.init(c, 1L);
        Tensor x = input(c, 3, 2L);
        Tensor mask = Masking.sample(c, Masking.Mode.UNSTRUCTURED, 4L, 3);
        Step s = step(cpu2, p, x, mask, Pretraining.Options.OFFICIAL);
        Step ref = batched(cpu2, p, x, mask, Pretraining.Options.OFFICIAL);
        TensorCompare.assertClose("loss", scalar(ref.result().loss()), scalar(s.result().loss()), Tolerance.CPU_VS_REF);
        TensorCompare.assertClose("loss_masked", scalar(ref.result().lossMasked()), scalar(s.result().lossMasked()),
                Tolerance.CPU_VS_REF);
        Map<String, Tensor> expected = ref.grads().named();
        for (Map.Entry<String, Tensor> e : s.grads().named().entrySet()) {
            TensorCompare.assertClose(e.getKey(), expected.get(e.getKey()), e.getValue(), Tolerance.MODEL_VS_GOLDEN);
        }
    }

    @Test
    void maskedLossSkipsClipsWithoutMaskedPatches() {
        SsamConfig c = SsamConfig.micro();
        SsamParams p = SsamInit.init(c, 2L);
        Tensor x = input(c, 3, 8L);
        Tensor mask = Masking.sample(c, Masking.Mode.UNSTRUCTURED, 9L, 3);
        mask.slice0(1, 2).fill(0f);
        Pretraining.Options o = new Pretraining.Options(Pretraining.Loss.MASKED, true);
        Step s = step(cpu2, p, x, mask, o);
        Step ref = batched(cpu2, p, x, mask, o);
        TensorCompare.assertClose("loss", scalar(ref.result().loss()), scalar(s.result().loss()), Tolerance.CPU_VS_REF);
        TensorCompare.assertClose("loss_all", scalar(ref.result().lossAll()), scalar(s.result().lossAll()),
                Tolerance.CPU_VS_REF);
        Map<String, Tensor> expected = ref.grads().named();
        for (Map.Entry<String, Tensor> e : s.grads().named().entrySet()) {
            TensorCompare.assertClose(e.getKey(), expected.get(e.getKey()), e.getValue(), Tolerance.MODEL_VS_GOLDEN);
        }
    }

    @Test
    void otherBackendsRunTheBatchedStep() {
        SsamConfig c = SsamConfig.micro();
        SsamParams p = SsamInit.init(c, 4L);
        Tensor x = input(c, 2, 6L);
        Tensor mask = Masking.sample(c, Masking.Mode.UNSTRUCTURED, 7L, 2);
        Step s = step(Backend.ref(), p, x, mask, Pretraining.Options.OFFICIAL);
        Step ref = batched(Backend.ref(), p, x, mask, Pretraining.Options.OFFICIAL);
        assertEquals(ref.result(), s.result());
        TensorCompare.assertBitwiseEqual("grads", ref.grads().flat(), s.grads().flat());
    }

    @Test
    void rejectsAWorkspaceForAnotherThreadCount() {
        SsamConfig c = SsamConfig.micro();
        SsamParams p = SsamInit.init(c, 4L);
        Tensor x = input(c, 2, 6L);
        Tensor mask = Masking.sample(c, Masking.Mode.UNSTRUCTURED, 7L, 2);
        ClipParallelPretraining.Workspace ws = ClipParallelPretraining.Workspace.allocate(c, 2, cpu1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClipParallelPretraining
                .lossAndGradients(cpu2, p, x, mask, Pretraining.Options.OFFICIAL, SsamParams.zeros(c), ws));
        assertTrue(e.getMessage().startsWith("pretraining: workspace"), e.getMessage());
    }
}
