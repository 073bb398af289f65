package dev.ssam.runtime.gpu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a GPU context's time goes, while {@link GpuContext#startProfile()} is in force: each
 * kernel launch, library call and host copy is timed by waiting for the device before and after
 * it, and each op's session from its opening to its close ({@link #SESSION}: host work, launches
 * and the waits together). The waits slow the work down (the device idles between launches), so
 * a profile says which ops and kernels take the time, not how fast an unprofiled run goes.
 *
 * <pre>{@code
 * ctx.startProfile();
 * step.run();
 * for (GpuProfile.Entry e : ctx.stopProfile()) { ... e.op(), e.what(), e.calls(), e.nanos() ... }
 * }</pre>
 *
 * Not thread-safe: the owning context's lock serialises access.
 */
public final class GpuProfile {
    /** The {@link Entry#what()} of a whole session (an op from opening to close). */
    public static final String SESSION = "(session)";

    /**
     * What one op spent on one kind of work.
     *
     * @param op    the session's op name
     * @param what  a kernel name, a library call with its shape, {@code upload}, {@code download}, or {@link #SESSION}
     * @param calls how many times
     * @param nanos wall time, device waits included
     */
    public record Entry(String op, String what, long calls, long nanos) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** Adds one call of {@code what} in {@code op} that took {@code nanos}. */
    public void add(String op, String what, long nanos) {
        entries.merge(op + '\u0000' + what, new Entry(op, what, 1, nanos),
                (a, b) -> new Entry(a.op(), a.what(), a.calls() + 1, a.nanos() + b.nanos()));
    }

    /** Every entry, most time first. */
    public List<Entry> entries() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparingLong(Entry::nanos).reversed());
        return list;
    }
}
