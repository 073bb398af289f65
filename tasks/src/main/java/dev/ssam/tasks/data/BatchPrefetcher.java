package dev.ssam.tasks.data;

import dev.ssam.runtime.Tensor;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Fills the batches of consecutive micro-steps on a background thread, {@code depth} ahead of the
 * trainer, so the model never waits for crops. Batches are a pure function of the micro-step
 * ({@link CropBatches}), so prefetching changes no value, only when it is computed.
 *
 * <p>Buffers are allocated once ({@code depth + 1} batches) and recycled: {@link #take()} hands out
 * the next batch in order; {@link #release} gives it back after the step. Filling one batch copies
 * B x 200 x 80 floats from the memory-mapped cache and draws the masks: tens of microseconds per
 * clip, far below a training step.
 *
 * <pre>{@code
 * try (BatchPrefetcher p = new BatchPrefetcher(batches, config, firstMicroStep, 4)) {
 *     BatchPrefetcher.Batch b = p.take();      // b.microStep() == firstMicroStep
 *     ... train on b.x(), b.mask() ...
 *     p.release(b);
 * }
 * }</pre>
 */
public final class BatchPrefetcher implements AutoCloseable {
    /** One micro-batch buffer: filled by the background thread, read by the trainer. */
    public static final class Batch {
        private final Tensor x;      // (B, T, F)
        private final Tensor mask;   // (B, P)
        private final int[] clips;   // (B)
        private long microStep;
        private RuntimeException failure;

        Batch(int batch, dev.ssam.model.SsamConfig c) {
            x = Tensor.zeros(batch, c.frames(), c.melBins());
            mask = Tensor.zeros(batch, c.numPatches());
            clips = new int[batch];
        }

        /** (B, T, F) normalised log-mel crops. */
        public Tensor x() {
            return x;
        }

        /** (B, P), 1 = masked. */
        public Tensor mask() {
            return mask;
        }

        /** (B) the cached clip index of each row. */
        public int[] clips() {
            return clips;
        }

        /** The micro-step this batch belongs to. */
        public long microStep() {
            return microStep;
        }
    }

    private final BlockingQueue<Batch> free;
    private final BlockingQueue<Batch> filled;
    private final Thread thread;
    private long next;

    /**
     * Starts filling from micro-step {@code first}.
     *
     * @param depth batches filled ahead (at least 1)
     */
    public BatchPrefetcher(CropBatches source, dev.ssam.model.SsamConfig config, long first, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("BatchPrefetcher: depth is " + depth + ", expected at least 1");
        }
        int b = source.batch();
        free = new ArrayBlockingQueue<>(depth + 1);
        filled = new ArrayBlockingQueue<>(depth + 1);
        for (int i = 0; i <= depth; i++) {
            free.add(new Batch(b, config));
        }
        next = first;
        thread = new Thread(() -> produce(source, first), "ssam-prefetch");
        thread.setDaemon(true);
        thread.start();
    }

    private void produce(CropBatches source, long first) {
        try {
            for (long m = first; ; m++) {
                Batch b = free.take();
                b.microStep = m;
                try {
                    source.fill(m, b.x, b.mask, b.clips);
                } catch (RuntimeException e) {
                    b.failure = e;
                    filled.put(b);
                    return;
                }
                filled.put(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The next micro-step's batch, waiting for it if needed.
     *
     * @throws RuntimeException the exception that filling it raised
     */
    public Batch take() {
        Batch b;
        try {
            b = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("BatchPrefetcher: interrupted while waiting for a batch", e);
        }
        if (b.failure != null) {
            throw b.failure;
        }
        if (b.microStep != next) {
            throw new IllegalStateException("BatchPrefetcher: got micro-step " + b.microStep + ", expected " + next);
        }
        next++;
        return b;
    }

    /** Gives {@code b} back for refilling. */
    public void release(Batch b) {
        if (!free.offer(b)) {
            throw new IllegalStateException("BatchPrefetcher: released a batch that was not taken");
        }
    }

    /** Stops the background thread and waits for it. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
