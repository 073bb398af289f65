package dev.ssam.runtime.gpu;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The compiled programs of one context, keyed by the source's SHA-256 and the complete option
 * string the backend compiles with (for CUDA the options name the architecture): each pair is
 * compiled once. A compile that throws leaves nothing behind, so the next request compiles again.
 * Not thread-safe: used with the owning context's lock held ({@link AbstractGpuContext#cached}).
 *
 * @param <P> the backend's compiled program
 */
final class ProgramCache<P extends GpuProgram> {
    private final Map<String, P> programs = new HashMap<>();

    /** The program of {@code source} compiled with {@code options}: from the cache, else {@code compile}'s. */
    P get(KernelSource source, String options, Supplier<P> compile) {
        String key = source.sha256() + "|" + options;
        P p = programs.get(key);
        if (p == null) {
            p = compile.get();
            programs.put(key, p);
        }
        return p;
    }

    /** Number of programs compiled so far. */
    int size() {
        return programs.size();
    }
}
