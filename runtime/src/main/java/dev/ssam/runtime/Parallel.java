package dev.ssam.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A small fixed thread pool for the Cpu backend: {@code threads - 1} daemon workers plus the
 * calling thread.
 *
 * <p>Work is split statically into contiguous ranges, so which thread computes which index never
 * depends on timing; an op whose per-index result does not depend on the split (all of ours except
 * where documented) gives bitwise identical results for any thread count. Ops parallelise over
 * coarse units (row blocks, clips, channel blocks), never over a reduction dimension
 * (PERF-NOTES lesson 7). {@link #forEachDynamic} hands out whole items in order instead, for
 * bodies whose result does not depend on the thread.
 */
public final class Parallel implements AutoCloseable {
    /** A body over an index range {@code [from, to)} run by worker {@code worker} (0-based). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to, int worker);
    }

    /** A body over one index {@code i} run by worker {@code worker} (0-based). */
    @FunctionalInterface
    public interface IndexBody {
        void run(int i, int worker);
    }

    private final int threads;
    private final ExecutorService pool;

    private Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("Parallel: thread count is " + threads + ", expected at least 1");
        }
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "ssam-cpu-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A pool of {@code threads} threads in all (the caller counts as one). */
    public static Parallel of(int threads) {
        return new Parallel(threads);
    }

    /** The number of cores the JVM sees. */
    public static int availableCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous
     * ranges of near-equal size; returns when all are done. Exceptions in any range are rethrown.
     */
    public void forRange(int n, RangeBody body) {
        forRange(n, 1, body);
    }

    /**
     * As {@link #forRange(int, RangeBody)}, with range boundaries at multiples of {@code grain}
     * (except the end), for kernels that work on blocks.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int blocks = (n + grain - 1) / grain;
        int parts = Math.min(threads, blocks);
        if (parts == 1) {
            body.run(0, n, 0);
            return;
        }
        int[] bounds = new int[parts + 1];
        for (int p = 0; p <= parts; p++) {
            bounds[p] = Math.min(n, (int) ((long) blocks * p / parts) * grain);
        }
        runParts(parts, p -> body.run(bounds[p], bounds[p + 1], p));
    }

    /**
     * Runs {@code body} once for every index of {@code [0, n)}, each thread taking the next
     * untaken index in increasing order until none is left; returns when all are done. Which
     * thread runs an index depends on timing, so this is only for bodies whose result for an index
     * does not depend on the thread (per-worker scratch is fine): whole independent items of
     * uneven or noisy cost, such as a batch's clips, where a static split waits on the slower half.
     * Exceptions are rethrown.
     */
    public void forEachDynamic(int n, IndexBody body) {
        if (n <= 0) {
            return;
        }
        int parts = Math.min(threads, n);
        AtomicInteger next = new AtomicInteger();
        runParts(parts, p -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                body.run(i, p);
            }
        });
    }

    /** Runs {@code part} for 0..parts-1, part 0 on the calling thread; rethrows the first failure. */
    private void runParts(int parts, IntConsumer part) {
        if (parts == 1) {
            part.accept(0);
            return;
        }
        Future<?>[] futures = new Future<?>[parts - 1];
        CountDownLatch done = new CountDownLatch(parts - 1);
        for (int p = 1; p < parts; p++) {
            int worker = p;
            futures[p - 1] = pool.submit(() -> {
                try {
                    part.accept(worker);
                } finally {
                    done.countDown();
                }
            });
        }
        Throwable failure = null;
        try {
            part.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Parallel: interrupted while waiting for workers", e);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error er) {
            throw er;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
