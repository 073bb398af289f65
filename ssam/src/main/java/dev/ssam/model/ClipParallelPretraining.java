package dev.ssam.model;

import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * A pretraining step ({@link Pretraining#lossAndGradients}) with whole clips per thread on the Cpu
 * backend: each thread runs the forward and backward pass of its clips on one-thread kernels, so
 * no op waits on a fork-join and a clip's working set stays in its core's caches. The per-clip
 * gradients are then combined in clip order, which makes the result bitwise independent of the
 * thread count (one-thread and multi-thread Cpu kernels give the same bits per clip). Other
 * backends run {@link Pretraining} on the whole batch unchanged.
 *
 * <p>The combination follows the loss:
 * <pre>
 *   Loss.ALL:    loss = (1/B) sum_b loss_b,               grad = sum_b (1/B) grad_b
 *   Loss.MASKED: loss = sum_b m_b loss_b / sum_b m_b,     grad = sum_b (m_b / sum_b m_b) grad_b
 * </pre>
 * with loss_b and grad_b the loss of clip b alone and its gradient, and m_b its masked-patch
 * count; a clip without masked patches adds nothing to the masked loss and its gradient. The
 * sums run in clip order (each weighted gradient added to the running sum in float). This
 * matches the batched {@link Pretraining} up to float rounding.
 *
 * <p>Memory: one batch-1 {@link Pretraining.Workspace} per thread and one gradient buffer per
 * clip (numParams floats each) instead of the activations of the whole batch.
 *
 * <pre>{@code
 * ClipParallelPretraining.Workspace ws = ClipParallelPretraining.Workspace.allocate(p.config(), 8, cpu);
 * Pretraining.Result r = ClipParallelPretraining.lossAndGradients(cpu, p, x, mask, Pretraining.Options.OFFICIAL, grads, ws);
 * }</pre>
 */
public final class ClipParallelPretraining {
    /** Kernels for one clip on one thread (no pool: safe to share between threads). */
    private static final Backend ONE_THREAD = Backend.cpu(1);

    private ClipParallelPretraining() {
    }

    /** Every buffer one training step on {@code batch} clips needs, allocated once and reused. */
    public static final class Workspace {
        private final int batch;
        private final Pretraining.Workspace whole;        // the batched path (non-Cpu backends), else null
        private final Pretraining.Workspace[] workers;    // one batch-1 workspace per thread (Cpu), else null
        private final SsamParams[] clipGrads;             // per clip: its gradient alone (Cpu), else null
        private final Pretraining.Result[] clipResults;   // per clip: its losses
        private final Tensor pred;                        // (B, P, Q)
        private final Tensor target;                      // (B, P, Q)

        private Workspace(SsamConfig c, int batch, Backend backend) {
            this.batch = batch;
            boolean perClip = backend instanceof Backend.Cpu;
            whole = perClip ? null : Pretraining.Workspace.allocate(c, batch, backend);
            int threads = perClip ? Math.min(batch, backend.threads()) : 0;
            workers = perClip ? new Pretraining.Workspace[threads] : null;
            for (int w = 0; w < threads; w++) {
                workers[w] = Pretraining.Workspace.allocate(c, 1);
            }
            clipGrads = perClip ? new SsamParams[batch] : null;
            for (int b = 0; perClip && b < batch; b++) {
                clipGrads[b] = SsamParams.zeros(c);
            }
            clipResults = new Pretraining.Result[batch];
            pred = perClip ? Tensor.zeros(batch, c.numPatches(), c.patchDim()) : null;
            target = perClip ? Tensor.zeros(batch, c.numPatches(), c.patchDim()) : null;
        }

        /** Buffers for {@code batch} clips of model {@code c}, laid out for {@code backend}. */
        public static Workspace allocate(SsamConfig c, int batch, Backend backend) {
            Shapes.requirePositive("ClipParallelPretraining.Workspace", "batch", batch);
            return new Workspace(c, batch, backend);
        }

        /** Clips per step. */
        public int batch() {
            return batch;
        }

        /** The predictions of the last step, (B, P, Q). */
        public Tensor pred() {
            return whole != null ? whole.pred() : pred;
        }

        /** The (possibly normalised) targets of the last step, (B, P, Q). */
        public Tensor target() {
            return whole != null ? whole.target() : target;
        }
    }

    /**
     * Forward pass, loss, and the gradient of the loss with respect to every trainable tensor,
     * written (overwritten) into {@code grads}, as {@link Pretraining#lossAndGradients}.
     *
     * @param x    (B, T, F) or (B, 1, T, F) normalised log-mel windows
     * @param mask (B, P), 1 = masked
     * @param ws   allocated for B clips and this backend's kind and thread count
     */
    public static Pretraining.Result lossAndGradients(Backend backend, SsamParams p, Tensor x, Tensor mask,
                                                      Pretraining.Options options, SsamParams grads, Workspace ws) {
        SsamConfig c = p.config();
        int batch = SsamEncoder.checkInput(c, x);
        if (mask == null) {
            throw new IllegalArgumentException("pretraining: mask is missing (null), expected [batch=" + batch
                    + ", patches=" + c.numPatches() + "]");
        }
        Shapes.require("pretraining", "mask", mask, Shapes.names("batch", "patches"), batch, c.numPatches());
        if (ws.batch() != batch) {
            throw new IllegalArgumentException("pretraining: workspace holds " + ws.batch() + " clips, x has " + batch);
        }
        if (!(backend instanceof Backend.Cpu cpu)) {
            if (ws.whole == null) {
                throw new IllegalArgumentException("pretraining: workspace was allocated for the Cpu backend, not "
                        + backend.name());
            }
            return Pretraining.lossAndGradients(backend, p, x, mask, options, grads, ws.whole);
        }
        if (ws.workers == null || ws.workers.length != Math.min(batch, cpu.threads())) {
            throw new IllegalArgumentException("pretraining: workspace was allocated for another backend or thread count"
                    + " than " + cpu);
        }
        Tensor clips = x.reshape(batch, c.frames(), c.melBins());
        // Clips are handed out in order as threads free up (a clip's result does not depend on its
        // thread): with a static split the step waited on whichever core a neighbour slowed down.
        cpu.parallel().forEachDynamic(batch, (b, worker) -> {
            Pretraining.Workspace w = ws.workers[worker];
            ws.clipResults[b] = clip(p, clips.slice0(b, b + 1), mask.slice0(b, b + 1), options, ws.clipGrads[b], w);
            ws.pred.slice0(b, b + 1).copyFrom(w.pred());
            ws.target.slice0(b, b + 1).copyFrom(w.target());
        });
        return combine(cpu, mask, options, grads, ws);
    }

    /** Loss and gradient of one clip on this thread into {@code g}; its predictions and targets into {@code ws}. */
    private static Pretraining.Result clip(SsamParams p, Tensor x, Tensor mask, Pretraining.Options options,
                                           SsamParams g, Pretraining.Workspace ws) {
        if (options.loss() == Pretraining.Loss.MASKED && !(count(mask) > 0)) {
            // No masked patch: the clip adds nothing to the masked loss; only its forward losses are needed.
            return Pretraining.forward(ONE_THREAD, p, x, mask, new Pretraining.Options(Pretraining.Loss.ALL,
                    options.normalizedPatch()), ws);
        }
        return Pretraining.lossAndGradients(ONE_THREAD, p, x, mask, options, g, ws);
    }

    /**
     * Losses of the batch from the clips' and {@code grads} = the weighted sum of the clips'
     * gradients, both in clip order.
     */
    private static Pretraining.Result combine(Backend.Cpu cpu, Tensor mask, Pretraining.Options options, SsamParams grads,
                                              Workspace ws) {
        int batch = ws.batch;
        double[] counts = new double[batch];
        double total = 0;
        for (int b = 0; b < batch; b++) {
            counts[b] = count(mask.slice0(b, b + 1));
            total += counts[b];
        }
        double all = 0;
        double masked = 0;
        for (int b = 0; b < batch; b++) {
            Pretraining.Result r = ws.clipResults[b];
            all += r.lossAll();
            if (counts[b] > 0) {
                masked += counts[b] * r.lossMasked();
            }
        }
        all /= batch;
        masked = total > 0 ? masked / total : Double.NaN;
        boolean byMask = options.loss() == Pretraining.Loss.MASKED;
        if (byMask && !(total > 0)) {
            throw new IllegalArgumentException("pretraining: mask " + mask.shapeString() + " sums to " + total
                    + ", expected a positive number of masked patches for the masked loss");
        }
        Tensor out = grads.flat();
        boolean first = true;
        for (int b = 0; b < batch; b++) {
            if (byMask && !(counts[b] > 0)) {
                continue;
            }
            float w = (float) (byMask ? counts[b] / total : 1.0 / batch);
            if (first) {
                Elementwise.scale(cpu, ws.clipGrads[b].flat(), w, out);
                first = false;
            } else {
                Elementwise.axpy(cpu, w, ws.clipGrads[b].flat(), out);
            }
        }
        return new Pretraining.Result(byMask ? masked : all, all, masked);
    }

    /** The sum of a mask's entries (the number of masked patches for a 0/1 mask). */
    private static double count(Tensor mask) {
        float[] m = mask.toArray();   // a read: a device copy of the mask stays current
        double s = 0;
        for (float v : m) {
            s += v;
        }
        return s;
    }
}
