package dev.ssam.runtime;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Scratch a kernel reuses from call to call on the same thread, so a training step allocates
 * (and the collector clears) nothing per op: at D = 64 the per-call scratch of the scan backward,
 * the conv backward and the GEMM packs came to about 10 MB per clip, a third of a step's memory
 * traffic.
 *
 * <p>Each instance is one slot per thread. A caller must not hold two values of the same slot at
 * once on one thread (kernels do not nest, so one slot per use in a kernel class suffices), and
 * must not let another thread keep a value after its call returns. Values stay reachable from
 * their thread until it ends, so slots are for scratch of bounded size (a few MB per thread).
 *
 * <pre>{@code
 * private static final ThreadScratch.Floats PANEL = new ThreadScratch.Floats();
 * float[] panel = PANEL.get(kc * NR);   // at least kc * NR floats, contents undefined
 * }</pre>
 *
 * @param <T> the scratch type
 */
public final class ThreadScratch<T> {
    private final ThreadLocal<T> local = new ThreadLocal<>();

    /**
     * The calling thread's value if {@code fits} accepts it, else a new one from {@code make}
     * (which replaces it).
     */
    public T get(Predicate<? super T> fits, Supplier<? extends T> make) {
        T v = local.get();
        if (v == null || !fits.test(v)) {
            v = make.get();
            local.set(v);
        }
        return v;
    }

    /** A per-thread float array that only grows. */
    public static final class Floats {
        private final ThreadLocal<float[]> local = new ThreadLocal<>();

        /** At least {@code n} floats owned by the calling thread; their contents are undefined. */
        public float[] get(int n) {
            float[] a = local.get();
            if (a == null || a.length < n) {
                a = new float[n];
                local.set(a);
            }
            return a;
        }
    }
}
