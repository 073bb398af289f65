package dev.ssam.runtime.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU backend whose device memory is host arrays, for testing the device-neutral layer without a
 * device: {@link Memory} for {@link DeviceMirrors}; {@link Pool}, {@link Context} and
 * {@link Session} for {@link BufferPool}, {@link AbstractGpuContext} and {@link AbstractGpuSession}.
 * Launches are recorded, not run.
 */
final class FakeGpu {
    private FakeGpu() {
    }

    /** A finished copy of {@code src[srcOff, srcOff + len)}: finish hands it over. */
    static PendingRead snapshot(float[] src, int srcOff, int len) {
        float[] copy = Arrays.copyOfRange(src, srcOff, srcOff + len);
        return new PendingRead() {
            @Override
            public void finish(float[] dst, int dstOff) {
                System.arraycopy(copy, 0, dst, dstOff, len);
            }

            @Override
            public void discard() {
            }
        };
    }

    /** A buffer of the fake device: host floats. */
    record Buffer(float[] data) implements GpuBuffer {
        @Override
        public long floats() {
            return data.length;
        }
    }

    /** A compiled program of the fake device. */
    record Program(KernelSource source, String options) implements GpuProgram {
    }

    /** One recorded launch: the kernel and its group counts per dimension. */
    record Launch(String kernel, long[] groups) {
    }

    /**
     * The fake device's memory, locked by {@code lock} (the owning context's); {@code live} holds
     * the buffers allocated and not yet freed, {@code downloads} counts reads.
     */
    record Memory(Lock lock, List<Buffer> live, AtomicInteger downloads) implements GpuMemory {
        Memory(Lock lock) {
            this(lock, Collections.synchronizedList(new ArrayList<>()), new AtomicInteger());
        }

        @Override
        public GpuBuffer allocate(long floats) {
            Buffer b = new Buffer(new float[(int) floats]);
            live.add(b);
            return b;
        }

        @Override
        public void free(GpuBuffer b) {
            assertTrue(live.remove((Buffer) b), "freed twice or never allocated");
        }

        @Override
        public void write(float[] src, int srcOff, GpuBuffer dst, long dstOff, int len) {
            System.arraycopy(src, srcOff, ((Buffer) dst).data(), (int) dstOff, len);
        }

        @Override
        public void read(GpuBuffer src, long srcOff, float[] dst, int dstOff, int len) {
            System.arraycopy(((Buffer) src).data(), (int) srcOff, dst, dstOff, len);
            downloads.incrementAndGet();
        }

        /** The fake device is done at once: the copy is taken now, counted as a download, and handed over at finish. */
        @Override
        public PendingRead startRead(GpuBuffer src, long srcOff, int len) {
            downloads.incrementAndGet();
            return snapshot(((Buffer) src).data(), (int) srcOff, len);
        }

        @Override
        public void copy(GpuBuffer src, long srcOff, GpuBuffer dst, long dstOff, long len) {
            System.arraycopy(((Buffer) src).data(), (int) srcOff, ((Buffer) dst).data(), (int) dstOff, (int) len);
        }

        @Override
        public GpuBuffer alias(GpuBuffer b, long offset) {
            return null;
        }
    }

    /** A fake device's pool: new host arrays, allocations counted, freed ones recorded. */
    static final class Pool extends BufferPool<Buffer> {
        final List<Buffer> freed = new ArrayList<>();
        int allocations;
        /** Device memory the fake has (bytes), and in use (allocated, not freed). */
        long capacity = Long.MAX_VALUE;
        long used;

        Pool(long cap) {
            super(cap);
        }

        @Override
        protected Buffer allocate(long bytes, String op) {
            if (used + bytes > capacity) {
                throw new IllegalStateException(op + ": out of device memory (" + bytes + " bytes asked, " + used
                        + " of " + capacity + " in use)");
            }
            allocations++;
            used += bytes;
            return new Buffer(new float[(int) (bytes / Float.BYTES)]);
        }

        @Override
        protected void free(Buffer b) {
            freed.add(b);
            used -= b.floats() * Float.BYTES;
        }
    }

    /** A fake device's context: its memory and pool, the launches made, the counts of trims and drains. */
    static final class Context extends AbstractGpuContext<Program, Buffer> {
        final Memory memory = new Memory(lock);
        final Pool pool = new Pool(0);
        final List<Launch> launches = new ArrayList<>();
        int trims;
        int drains;
        /** When set, waiting for the device fails (a session's close then throws). */
        boolean failDrain;

        Context() {
            super("Fake", Buffer.class);
        }

        @Override
        public Session session(String op) {
            return new Session(this, op, () -> { });
        }

        @Override
        public String describe() {
            return "fake device";
        }

        @Override
        protected void trimPool() {
            trims++;
        }

        @Override
        protected void write(float[] src, int srcOff, Buffer dst, long dstOff, int len, String op) {
            System.arraycopy(src, srcOff, dst.data(), (int) dstOff, len);
            countUpload((long) len * Float.BYTES);
        }

        @Override
        protected void read(Buffer src, long srcOff, float[] dst, int dstOff, int len, String op) {
            System.arraycopy(src.data(), (int) srcOff, dst, dstOff, len);
            countDownload((long) len * Float.BYTES);
        }

        @Override
        protected PendingRead startRead(Buffer src, long srcOff, int len, String op) {
            countDownload((long) len * Float.BYTES);
            return snapshot(src.data(), (int) srcOff, len);
        }

        @Override
        protected void drain(String op) {
            drains++;
            if (failDrain) {
                throw new IllegalStateException(op + ": the fake device failed");
            }
        }

        Program program(KernelSource source, String options) {
            return cached(source, options, () -> new Program(source, options));
        }
    }

    /** A session on a fake context; {@code onLocked} runs once the context's lock is held. */
    static final class Session extends AbstractGpuSession<Buffer> {
        final Context ctx;

        Session(Context ctx, String op, Runnable onLocked) {
            super(ctx, ctx.memory, ctx.pool, op, onLocked);
            this.ctx = ctx;
        }

        @Override
        public Context context() {
            return ctx;
        }

        @Override
        public GpuProgram program(KernelSource source, String defines) {
            return ctx.program(source, defines);
        }

        @Override
        protected void launch(GpuProgram p, String kernel, long[] items, int[] local, Object[] args) {
            long[] groups = groups(kernel, items, local);
            if (groups == null) {
                return;
            }
            ctx.launches.add(new Launch(kernel, groups));
            countLaunch();
        }
    }
}
