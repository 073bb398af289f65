package dev.ssam.runtime.gpu;

import dev.ssam.runtime.RuntimeFlags;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * The device copies of host arrays: per {@code float[]} (by identity, weakly held) at most one
 * device buffer on one {@link GpuMemory}, and which side holds the newest contents. A mirror
 * always covers the whole array, so every window (view) of the array shares it.
 *
 * <p>{@link dev.ssam.runtime.Tensor}'s host accessors call {@link #beforeHostRead} or
 * {@link #beforeHostWrite}: when no mirror exists they return after one volatile read; otherwise
 * a device-newer array is downloaded first, and a write marks the host newer so the next device
 * use uploads it again. {@link #prefetch} queues that download early, so it runs while the device
 * works on; the host access that follows then only waits for the copy to end. {@link Residency}
 * (inside a session, with the context's lock held) makes the device copy current and marks it newer
 * after an op writes it. When an array is collected its device buffer is freed by the next session
 * of the context that owns it (under that context's lock), after any download still pending.
 *
 * <h2>Lock order</h2>
 * A context's lock, then this registry's: no thread waits for a context's lock while it holds the
 * registry's. A host access to a device-newer array looks its mirror up, lets go of the registry,
 * takes the owning context's lock and then the registry's again; {@link #acquire} (with its own
 * context's lock held) likewise lets go of the registry before it takes another context's lock to
 * move an array off that device, and checks again under both that nothing changed meanwhile. Taking a second context's lock while holding a first one cannot be ordered
 * (each session already holds its own), so that wait is bounded: two sessions moving arrays off
 * each other's devices fail after 10 s with a message instead of waiting for ever.
 */
public final class DeviceMirrors {
    /** Which side holds the newest contents. */
    enum State { SYNCED, HOST_NEWER, DEVICE_NEWER }

    private static final Object LOCK = new Object();
    private static final ReferenceQueue<float[]> COLLECTED = new ReferenceQueue<>();
    private static final Map<Key, Mirror> MIRRORS = new HashMap<>();
    /** Mirrors of collected arrays whose buffers wait for their context's lock to be freed. */
    private static final List<Mirror> ORPHANS = new ArrayList<>();
    /** Mirrors in {@link #MIRRORS}: the host accessors' fast path reads only this. */
    private static volatile int live;

    private DeviceMirrors() {
    }

    /** An array's identity: a weak reference hashed and compared by referent identity. */
    private static final class Key extends WeakReference<float[]> {
        private final int hash;

        Key(float[] a, ReferenceQueue<float[]> q) {
            super(a, q);
            this.hash = System.identityHashCode(a);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key k)) {
                return false;
            }
            float[] a = get();
            return a != null && a == k.get();
        }
    }

    private static final class Mirror {
        final GpuMemory memory;
        final GpuBuffer buffer;
        final int length;
        State state = State.HOST_NEWER;
        /** A download {@link #prefetch} queued and nobody has waited for yet (only while DEVICE_NEWER), or null. */
        PendingRead pending;

        Mirror(GpuMemory memory, GpuBuffer buffer, int length) {
            this.memory = memory;
            this.buffer = buffer;
            this.length = length;
        }
    }

    /** Before the host reads {@code a}: brings device-newer contents back. */
    public static void beforeHostRead(float[] a) {
        if (live != 0) {
            sync(a, false);
        }
    }

    /** Before the host may write {@code a}: brings device-newer contents back and marks the host newer. */
    public static void beforeHostWrite(float[] a) {
        if (live != 0) {
            sync(a, true);
        }
    }

    /**
     * Starts bringing device-newer contents of {@code a} back without waiting ({@link GpuMemory#startRead}):
     * the next host access, or an op that writes the array, completes it. Does nothing when the host
     * already holds the newest contents or a download is already under way, or when
     * {@code -Dssam.gpu.prefetch=false} ({@link RuntimeFlags}).
     */
    public static void prefetch(float[] a) {
        if (live == 0 || !RuntimeFlags.CURRENT.gpuPrefetch()) {
            return;
        }
        Mirror m;
        synchronized (LOCK) {
            m = MIRRORS.get(new Key(a, null));
            if (m == null || m.state != State.DEVICE_NEWER || m.pending != null) {
                return;
            }
        }
        Lock lock = m.memory.lock();
        lock.lock();
        try {
            synchronized (LOCK) {
                if (m.state == State.DEVICE_NEWER && m.pending == null && MIRRORS.get(new Key(a, null)) == m) {
                    try {
                        m.pending = m.memory.startRead(m.buffer, 0, m.length);
                    } catch (RuntimeException e) {
                        // a hint only (e.g. no page-locked memory left): the next host access reads
                        // the usual way, and reports any lasting device failure itself
                        m.pending = null;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Number of arrays with a device copy (for tests and statistics). */
    public static int live() {
        return live;
    }

    /** Whether a device holds newer contents of {@code a} than the host (no transfer). */
    public static boolean deviceNewer(float[] a) {
        if (live == 0) {
            return false;
        }
        synchronized (LOCK) {
            Mirror m = MIRRORS.get(new Key(a, null));
            return m != null && m.state == State.DEVICE_NEWER;
        }
    }

    private static void sync(float[] a, boolean write) {
        Mirror m;
        synchronized (LOCK) {
            expunge();
            m = MIRRORS.get(new Key(a, null));
            if (m == null) {
                return;
            }
            if (m.state != State.DEVICE_NEWER) {
                if (write) {
                    m.state = State.HOST_NEWER;
                }
                return;
            }
        }
        Lock lock = m.memory.lock();
        lock.lock();
        try {
            synchronized (LOCK) {
                if (m.state == State.DEVICE_NEWER && MIRRORS.get(new Key(a, null)) == m) {
                    bringBack(m, a);
                }
                if (write) {
                    m.state = State.HOST_NEWER;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The device copy of {@code a} on {@code memory} (made on first use); with {@code current} its
     * contents are made the newest first (an upload of the whole array when the host is newer);
     * with {@code writes} it is marked newer than the host (the caller's op writes it). The caller
     * holds {@code memory.lock()}. A copy on another device is moved off it first ({@link #leave}).
     */
    static GpuBuffer acquire(GpuMemory memory, float[] a, boolean current, boolean writes) {
        while (true) {
            Mirror elsewhere;
            synchronized (LOCK) {
                expunge();
                freeOrphans(memory);
                Mirror m = MIRRORS.get(new Key(a, null));
                if (m == null || m.memory == memory) {
                    return use(memory, a, m, current, writes);
                }
                elsewhere = m;
            }
            leave(elsewhere, a);
        }
    }

    /** {@link #acquire} once no other device holds a copy of {@code a}. Caller holds LOCK and memory's lock. */
    private static GpuBuffer use(GpuMemory memory, float[] a, Mirror m, boolean current, boolean writes) {
        if (m == null) {
            m = new Mirror(memory, memory.allocate(Math.max(1, a.length)), a.length);
            MIRRORS.put(new Key(a, COLLECTED), m);
            live = MIRRORS.size();
        }
        if (writes && m.pending != null) {
            bringBack(m, a);   // the op must not overwrite what the download is still copying
        }
        if (current && m.state == State.HOST_NEWER) {
            memory.write(a, 0, m.buffer, 0, a.length);
            m.state = State.SYNCED;
        }
        if (writes) {
            m.state = State.DEVICE_NEWER;
        }
        return m.buffer;
    }

    /**
     * Moves {@code a} off the device of its mirror {@code m}: brings device-newer contents back, then
     * frees that copy there. Called without LOCK (the other context's lock comes first); does nothing
     * when {@code m} stopped being {@code a}'s mirror while this waited (the caller looks again).
     */
    private static void leave(Mirror m, float[] a) {
        Lock other = m.memory.lock();
        boolean locked;
        try {
            locked = other.tryLock(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            throw new IllegalStateException("a tensor resident on one GPU device is used on another while the "
                    + "first is busy; bring it to the host first (Tensor.data())");
        }
        try {
            synchronized (LOCK) {
                Key probe = new Key(a, null);
                if (MIRRORS.get(probe) != m) {
                    return;
                }
                if (m.state == State.DEVICE_NEWER) {
                    bringBack(m, a);
                }
                MIRRORS.remove(probe);
                live = MIRRORS.size();
                m.memory.free(m.buffer);
            }
        } finally {
            other.unlock();
        }
    }

    /**
     * Copies the device's newer contents of {@code a} to the host: finishes the prefetched download,
     * or reads now. Caller holds LOCK and m's memory's lock.
     */
    private static void bringBack(Mirror m, float[] a) {
        if (m.pending != null) {
            PendingRead p = m.pending;
            m.pending = null;
            p.finish(a, 0);
        } else {
            m.memory.read(m.buffer, 0, a, 0, m.length);
        }
        m.state = State.SYNCED;
    }

    /** Moves the mirrors of collected arrays to {@link #ORPHANS}. Caller holds LOCK. */
    private static void expunge() {
        boolean removed = false;
        for (Object k; (k = COLLECTED.poll()) != null; ) {
            Mirror m = MIRRORS.remove(k);
            if (m != null) {
                ORPHANS.add(m);
                removed = true;
            }
        }
        if (removed) {
            live = MIRRORS.size();
        }
    }

    /** Frees the orphaned buffers of {@code memory}. Caller holds LOCK and memory's lock. */
    private static void freeOrphans(GpuMemory memory) {
        for (Iterator<Mirror> it = ORPHANS.iterator(); it.hasNext(); ) {
            Mirror m = it.next();
            if (m.memory == memory) {
                if (m.pending != null) {
                    PendingRead p = m.pending;
                    m.pending = null;
                    p.discard();
                }
                memory.free(m.buffer);
                it.remove();
            }
        }
    }
}
