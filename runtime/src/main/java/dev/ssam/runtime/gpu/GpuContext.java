package dev.ssam.runtime.gpu;

import java.util.List;

/**
 * One GPU device as ops see it: an in-order queue (OpenCL) or stream (CUDA), a compiled-program
 * cache keyed by source hash and defines, a caching allocator, the device copies of host tensors
 * ({@link GpuSession#in}, {@link GpuSession#out}) and transfer statistics. Ops run through
 * {@link #session(String)}, one op at a time per device.
 */
public interface GpuContext {
    /** The work of one op, named {@code op} in every error it raises. */
    GpuSession session(String op);

    /** A one-line description of the device (name, compute units, memory). */
    String describe();

    /** Host-device traffic since the context was made (or since {@link #resetStats()}). */
    GpuStats stats();

    /** Zeroes {@link #stats()}. */
    void resetStats();

    /**
     * Starts (or restarts, empty) a {@link GpuProfile}: from now on every kernel launch, library call
     * and host copy is timed by waiting for the device around it, which slows the work down.
     */
    void startProfile();

    /**
     * While profiling: adds {@code nanos} of host work named {@code what} to op {@code op} (the
     * parts of a job that run on the host between device ops, e.g. the log-mel front end).
     * Otherwise nothing.
     */
    void recordHost(String op, String what, long nanos);

    /** Stops profiling and returns what was timed since {@link #startProfile()}, most time first (empty if not started). */
    List<GpuProfile.Entry> stopProfile();

    /** Frees cached free buffers (resident tensor copies stay). */
    void trim();
}
