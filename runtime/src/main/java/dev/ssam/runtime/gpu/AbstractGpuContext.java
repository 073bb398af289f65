package dev.ssam.runtime.gpu;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the CUDA and OpenCL contexts share: the lock a session holds for its op's duration (one op
 * at a time per device, from any thread), the compiled-program cache and the transfer statistics,
 * with the {@link GpuContext} methods over them. A backend adds the device calls: compiling a
 * program (through {@link #cached}), host copies ({@link #write}, {@link #read}, {@link #startRead},
 * each counted with {@link #countUpload} or {@link #countDownload}), waiting for the device ({@link #drain}) and
 * trimming its pool ({@link #trimPool}); its sessions extend {@link AbstractGpuSession}.
 *
 * <pre>{@code
 * CuProgram program(KernelSource source, String defines, String op) {    // caller holds the lock
 *     String options = ...;
 *     return cached(source, options, () -> compile(source, options, op));
 * }
 * }</pre>
 *
 * @param <P> the backend's compiled program
 * @param <B> the backend's buffer
 */
public abstract class AbstractGpuContext<P extends GpuProgram, B extends GpuBuffer> implements GpuContext {
    /** Held by a session for its op's duration and around every other use of the device's state. */
    protected final ReentrantLock lock = new ReentrantLock();
    /** The backend's name in messages. */
    final String backend;
    /** The backend's buffer class. */
    final Class<B> bufferType;
    private final ProgramCache<P> programs = new ProgramCache<>();
    private long uploads;
    private long uploadBytes;
    private long downloads;
    private long downloadBytes;
    private long launches;
    private GpuProfile profile;

    /**
     * A context of {@code backend} (its name in messages: {@code CUDA}, {@code OpenCL}), whose
     * buffers are {@code bufferType}.
     */
    protected AbstractGpuContext(String backend, Class<B> bufferType) {
        this.backend = backend;
        this.bufferType = bufferType;
    }

    @Override
    public final GpuStats stats() {
        lock.lock();
        try {
            return new GpuStats(uploads, uploadBytes, downloads, downloadBytes, launches);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final void resetStats() {
        lock.lock();
        try {
            uploads = 0;
            uploadBytes = 0;
            downloads = 0;
            downloadBytes = 0;
            launches = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the device's queued work first, so the profile times only work queued after it. */
    @Override
    public final void startProfile() {
        lock.lock();
        try {
            drain("profile");
            profile = new GpuProfile();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final void recordHost(String op, String what, long nanos) {
        lock.lock();
        try {
            if (profile != null) {
                profile.add(op, what, nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final List<GpuProfile.Entry> stopProfile() {
        lock.lock();
        try {
            List<GpuProfile.Entry> entries = profile == null ? List.of() : profile.entries();
            profile = null;
            return entries;
        } finally {
            lock.unlock();
        }
    }

    /** The profile being recorded, or null. Caller holds the lock. */
    final GpuProfile profile() {
        return profile;
    }

    /** Frees the buffers waiting in the pool (compiled programs and resident tensor copies stay). */
    @Override
    public final void trim() {
        lock.lock();
        try {
            trimPool();
        } finally {
            lock.unlock();
        }
    }

    /** Number of programs compiled so far (for tests of the cache). */
    public final int compiledPrograms() {
        lock.lock();
        try {
            return programs.size();
        } finally {
            lock.unlock();
        }
    }

    /** Frees the buffers waiting in the pool. Caller holds the lock. */
    protected abstract void trimPool();

    /** Copies {@code src[srcOff, srcOff + len)} to {@code dst} from float {@code dstOff} (one counted upload). Caller holds the lock. */
    protected abstract void write(float[] src, int srcOff, B dst, long dstOff, int len, String op);

    /** Copies {@code len} floats of {@code src} from {@code srcOff} to {@code dst[dstOff, ...)} after earlier work (one counted download). Caller holds the lock. */
    protected abstract void read(B src, long srcOff, float[] dst, int dstOff, int len, String op);

    /**
     * {@link GpuMemory#startRead}: queues a copy of {@code len > 0} floats of {@code src} from
     * {@code srcOff} to the host after earlier work, on a queue of its own, and returns without
     * waiting (one counted download). Caller holds the lock.
     */
    protected abstract PendingRead startRead(B src, long srcOff, int len, String op);

    /** Waits until the device has finished every queued command; failures name {@code op}. Caller holds the lock. */
    protected abstract void drain(String op);

    /**
     * The program of {@code source} compiled with the complete option string {@code options}: from
     * the cache, else {@code compile}'s result, kept. Caller holds the lock.
     */
    protected final P cached(KernelSource source, String options, Supplier<P> compile) {
        return programs.get(source, options, compile);
    }

    /** Counts one host-to-device copy of {@code bytes}. Caller holds the lock. */
    protected final void countUpload(long bytes) {
        uploads++;
        uploadBytes += bytes;
    }

    /** Counts one device-to-host copy of {@code bytes}. Caller holds the lock. */
    protected final void countDownload(long bytes) {
        downloads++;
        downloadBytes += bytes;
    }

    /** Counts one kernel launch or library call. Caller holds the lock. */
    protected final void countLaunch() {
        launches++;
    }
}
