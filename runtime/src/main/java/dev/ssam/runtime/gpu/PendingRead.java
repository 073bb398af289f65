package dev.ssam.runtime.gpu;

/**
 * A device-to-host copy queued by {@link GpuMemory#startRead} that nobody has waited for yet: the
 * device copies into host memory of its own while later work runs, and {@link #finish} waits for
 * the copy and hands the floats over. Exactly one of {@link #finish} and {@link #discard} is
 * called, once, with the owning memory's lock held.
 */
public interface PendingRead {
    /** The read of zero floats: nothing was queued, nothing to wait for. */
    PendingRead NOTHING = new PendingRead() {
        @Override
        public void finish(float[] dst, int dstOff) {
        }

        @Override
        public void discard() {
        }
    };

    /** Waits for the copy, then puts its floats into {@code dst} from {@code dstOff}. */
    void finish(float[] dst, int dstOff);

    /** Waits for the copy and drops its floats (the array it was meant for is gone). */
    void discard();
}
