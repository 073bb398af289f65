package dev.ssam.model;

import dev.ssam.ops.optim.AdamW;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training step and batched inference on the OpenCL device keep the model there: after the
 * first step only the batch and its mask (plus the loss's per-patch row scales) go up and only the
 * per-patch loss sums come down; the weights cross once. Losses match the Cpu backend.
 */
class PretrainingResidencyTest {
    private static final int BATCH = 2;
    private static final int STEPS = 3;

    /** A fresh batch written through the host, as a data loader does. */
    private static void fillBatch(Tensor x, int step) {
        SplittableRandom rnd = new SplittableRandom(100 + step);
        float[] d = x.data();
        for (int i = x.offset(); i < x.offset() + x.size(); i++) {
            d[i] = (float) rnd.nextGaussian();
        }
    }

    private record Run(double[] losses, List<GpuStats> stats) {
    }

    private static Run train(Backend backend, SsamConfig c) {
        return train(backend, c, backend, Pretraining.Options.OFFICIAL);
    }

    private static Run train(Backend backend, SsamConfig c, Backend madeFor) {
        return train(backend, c, madeFor, Pretraining.Options.OFFICIAL);
    }

    /** {@code STEPS} training steps on {@code backend} with a workspace made for {@code madeFor}. */
    private static Run train(Backend backend, SsamConfig c, Backend madeFor, Pretraining.Options options) {
        SsamParams p = SsamInit.init(c, 0L);
        SsamParams grads = SsamParams.zeros(c);
        SsamParams m = SsamParams.zeros(c);
        SsamParams v = SsamParams.zeros(c);
        Pretraining.Workspace ws = Pretraining.Workspace.allocate(c, BATCH, madeFor);   // GPU: scan states kept
        Tensor x = Tensor.zeros(BATCH, c.frames(), c.melBins());
        Tensor mask = Tensor.zeros(BATCH, c.numPatches());
        GpuContext gpu = backend instanceof Backend.Gpu g ? g.context() : null;
        double[] losses = new double[STEPS];
        List<GpuStats> stats = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            fillBatch(x, step);
            Masking.sample(c, Masking.Mode.UNSTRUCTURED, step, mask);
            if (gpu != null) {
                gpu.resetStats();
            }
            losses[step] = Pretraining.lossAndGradients(backend, p, x, mask, options, grads, ws).loss();
            Map<String, Tensor> pn = p.named();
            Map<String, Tensor> gn = grads.named();
            Map<String, Tensor> mn = m.named();
            Map<String, Tensor> vn = v.named();
            for (ParamSpec s : p.specs()) {
                if (s.trainable()) {
                    AdamW.step(backend, pn.get(s.name()), gn.get(s.name()), mn.get(s.name()), vn.get(s.name()),
                            step + 1, 1e-3f, 0.9f, 0.95f, 1e-8f, s.weightDecay() ? 0.05f : 0f);
                }
            }
            if (gpu != null) {
                stats.add(gpu.stats());
            }
        }
        return new Run(losses, stats);
    }

    @Test
    void trainingStepsMoveOnlyTheBatchAndTheLoss() {
        trainingMovesOnlyTheBatchAndTheLoss(Pretraining.Options.OFFICIAL);
    }

    /** With normalised target patches (MAE's norm_pix_loss) too: the normalisation runs on the device. */
    @Test
    void normalisedPatchTrainingMovesOnlyTheBatchAndTheLoss() {
        trainingMovesOnlyTheBatchAndTheLoss(new Pretraining.Options(Pretraining.Loss.MASKED, true));
    }

    private static void trainingMovesOnlyTheBatchAndTheLoss(Pretraining.Options options) {
        Backend gpu = GoldenAssume.opencl();
        SsamConfig c = SsamConfig.micro();
        Run device = train(gpu, c, gpu, options);
        Run cpu;
        try (Backend b = Backend.cpu(2)) {
            cpu = train(b, c, b, options);
        }
        long batchBytes = 4L * BATCH * c.frames() * c.melBins();
        long maskBytes = 4L * BATCH * c.numPatches();
        long rowScales = 4L * BATCH * c.numPatches();
        long patchSums = 4L * BATCH * c.numPatches();
        for (int step = 1; step < STEPS; step++) {
            GpuStats s = device.stats().get(step);
            assertTrue(s.uploadBytes() <= batchBytes + maskBytes + rowScales, "step " + step + " uploads " + s);
            assertTrue(s.downloadBytes() <= 2 * patchSums, "step " + step + " downloads " + s);
        }
        assertTrue(device.stats().get(0).uploadBytes() > 4L * SsamParams.zeros(c).flat().size(),
                "step 0 uploads the weights: " + device.stats().get(0));
        TensorCompare.assertClose("losses opencl vs cpu", Tensor.of(toFloat(cpu.losses()), STEPS),
                Tensor.of(toFloat(device.losses()), STEPS), Tolerance.GPU_VS_REF);
    }

    /** A workspace made for the GPU (with room for the scan states) works on the cpu, which recomputes them. */
    @Test
    void aGpuWorkspaceOnTheCpuRecomputesTheScanStates() {
        Backend gpu = GoldenAssume.opencl();
        SsamConfig c = SsamConfig.micro();
        try (Backend b = Backend.cpu(2)) {
            assertArrayEquals(train(b, c, b).losses(), train(b, c, gpu).losses());
        }
    }

    @Test
    void batchedInferenceUploadsWeightsOnce() {
        Backend gpu = GoldenAssume.opencl();
        SsamConfig c = SsamConfig.micro();
        SsamParams p = SsamInit.init(c, 1L);
        SsamEncoder.Buffers buffers = SsamEncoder.Buffers.allocate(c, BATCH);
        Tensor x = Tensor.zeros(BATCH, c.frames(), c.melBins());
        GpuContext ctx = ((Backend.Gpu) gpu).context();
        Tensor expected;
        try (Backend b = Backend.cpu(2)) {
            fillBatch(x, 7);
            expected = SsamEncoder.forward(b, p, x, SsamEncoder.Buffers.allocate(c, BATCH)).copy();
        }
        GpuStats second = null;
        Tensor tokens = null;
        for (int i = 0; i < 2; i++) {
            fillBatch(x, 7);
            ctx.resetStats();
            tokens = SsamEncoder.forward(gpu, p, x, buffers).copy();
            second = ctx.stats();
        }
        long batchBytes = 4L * BATCH * c.frames() * c.melBins();
        assertEquals(batchBytes, second.uploadBytes(), "second batch uploads only x: " + second);
        assertEquals(4L * tokens.size(), second.downloadBytes(), "only the tokens come back: " + second);
        TensorCompare.assertClose("tokens opencl vs cpu", expected, tokens, Tolerance.MODEL_VS_GOLDEN);
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
