package dev.ssam.runtime.gpu;

import dev.ssam.runtime.Tensor;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * {@link GpuSession#in}, {@link GpuSession#out} and {@link GpuSession#inOut} for any
 * {@link GpuMemory}: one per session, created with the session's temporary allocator and used
 * with the context's lock held. A tensor's device copy is its array's {@link DeviceMirrors}
 * mirror; a window that does not start at element 0 is an alias into it where the device allows
 * ({@link GpuMemory#alias}), else a temporary filled by a device copy (for reading) and copied back
 * into the mirror by {@link #finish()} (for writing).
 *
 * <pre>{@code
 * Residency r = new Residency(memory, this::alloc);   // in the session's constructor
 * GpuBuffer x = r.in(xTensor);
 * ...
 * r.finish();                                          // in close(), before the queue is drained
 * }</pre>
 */
public final class Residency {
    private final GpuMemory memory;
    private final LongFunction<GpuBuffer> temporary;
    private final List<CopyBack> copyBacks = new ArrayList<>();
    /**
     * The host arrays whose mirrors this op uses, held until {@link #finish()}: a mirror is freed
     * when its array is collected, and without this an array the caller no longer references
     * could be collected between {@code in(x)} and the launch, its buffer handed to the next
     * {@code out(y)} of the same op, and the kernel would read its output as its input.
     */
    private final List<float[]> held = new ArrayList<>();

    /** A temporary window to copy into the mirror at the end of the op. */
    private record CopyBack(GpuBuffer from, GpuBuffer mirror, long offset, long floats) {
    }

    /** Residency on {@code memory}; {@code temporary} hands out buffers that live until the session closes. */
    public Residency(GpuMemory memory, LongFunction<GpuBuffer> temporary) {
        this.memory = memory;
        this.temporary = temporary;
    }

    /** The tensor's window on the device for reading; null for null. */
    public GpuBuffer in(Tensor t) {
        if (t == null) {
            return null;
        }
        held.add(t.storage());
        GpuBuffer mirror = DeviceMirrors.acquire(memory, t.storage(), true, false);
        return window(mirror, t, true, false);
    }

    /** The tensor's window on the device for writing (the rest of the array is kept current). */
    public GpuBuffer out(Tensor t) {
        boolean whole = t.offset() == 0 && t.size() == t.storage().length;
        held.add(t.storage());
        GpuBuffer mirror = DeviceMirrors.acquire(memory, t.storage(), !whole, true);
        return window(mirror, t, false, true);
    }

    /** The tensor's window on the device for reading and writing. */
    public GpuBuffer inOut(Tensor t) {
        held.add(t.storage());
        GpuBuffer mirror = DeviceMirrors.acquire(memory, t.storage(), true, true);
        return window(mirror, t, true, true);
    }

    private GpuBuffer window(GpuBuffer mirror, Tensor t, boolean read, boolean write) {
        if (t.offset() == 0) {
            return mirror;
        }
        GpuBuffer alias = memory.alias(mirror, t.offset());
        if (alias != null) {
            return alias;
        }
        GpuBuffer tmp = temporary.apply(Math.max(1, t.size()));
        if (read && t.size() > 0) {
            memory.copy(mirror, t.offset(), tmp, 0, t.size());
        }
        if (write && t.size() > 0) {
            copyBacks.add(new CopyBack(tmp, mirror, t.offset(), t.size()));
        }
        return tmp;
    }

    /** Copies written temporary windows into their mirrors; call once the op's kernels are queued. */
    public void finish() {
        for (CopyBack c : copyBacks) {
            memory.copy(c.from(), 0, c.mirror(), c.offset(), c.floats());
        }
        copyBacks.clear();
        Reference.reachabilityFence(held);
        held.clear();
    }
}
