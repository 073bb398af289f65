package dev.ssam.ops.scan;

import dev.ssam.ops.scan.SelectiveScan.Dims;
import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.RuntimeFlags;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link SelectiveScan} on a GPU device ({@code kernels/scan.cl}), compiled once per state
 * size N ({@code -DSSAM_NSTATE=N}, state in private memory, so N is at most {@link #MAX_STATE}).
 *
 * <p>Forward: one work-item per (batch, channel), {@value #GROUP} channels of one batch per
 * work-group sharing each chunk of B and C rows in work-group memory. Backward: the same
 * mapping; a forward pass checkpoints the state every {@link #CHUNK} tokens (unless the forward
 * saved those states: {@link SelectiveScan#savedStatesShape}), each chunk is recomputed in
 * private memory and walked backwards; dB and dC are summed over the group's channels per token
 * in work-group memory, then over groups, and dA, dD, dDeltaBias over batches, each in a fixed
 * order by two small kernels, so results do not depend on scheduling. (A backward that spread each
 * channel's states over 4 or 8 work-items, the chunk's states in registers and one barrier a token
 * over work-groups of 128 or 256, passed the parity suite on CUDA and PoCL but was slower on an H100
 * in session 8: 13.7 ms a block against 4.8 with 8 work-items and chunks of 16, a TF32 training step
 * of 109 ms against 99 to 102 with 4 and chunks of 8; commit 4dbe834.) Arithmetic is float with
 * explicit fma (Ref computes in double). Inputs, outputs and gradients stay resident on the
 * device.
 */
final class ScanGpu {
    /** Largest state size: the state, its gradient and a 16-token chunk of states sit in private memory. */
    static final int MAX_STATE = 32;
    /** Largest dt rank R of the fused projected forward (the group's rows of dtW sit in work-group memory). */
    static final int MAX_DT_RANK = 64;
    private static final KernelSource SRC = KernelSource.load(ScanGpu.class, "scan.cl");
    /** Channels per work-group (SSAM_GROUP in the source). */
    private static final int GROUP = 64;
    /** The tuning settings ({@link RuntimeFlags.ScanTuning}: {@code ssam.gpu.scan*}). */
    private static final RuntimeFlags.ScanTuning TUNING = RuntimeFlags.CURRENT.scan();
    /** Tokens per chunk (SSAM_CHUNK): B and C staged together; the backward's checkpoint interval. */
    static final int CHUNK = TUNING.chunk();
    /**
     * Work-items per channel of the forward (scan_forward_split where it divides N). On an H100 in
     * session 8 (TF32, batch 256) 4 was slower than 1: inference 9392 clips/s against 10388 to 11215,
     * training 2427 against 2493.
     */
    static final int SPLIT = TUNING.split();
    /**
     * Tokens whose inputs (u, delta, z) a forward work-item loads together before stepping through
     * them (SSAM_AHEAD; default 8, 1 is the kernel measured on the H100 in session 4). At the batch
     * sizes of inference a channel per work-item leaves 2 to 5 warps per scheduler, too few to hide a
     * global load on every token's critical path; 8 puts one load latency on 8 tokens, for 96
     * registers a work-item instead of 80 (nvcc -Xptxas -v), which still holds a 128-window batch on
     * an H100 in one wave. On an H100 in session 8 (TF32 inference, batch 256): 9943 clips/s with
     * 1, 10388 to 11215 with 8.
     */
    static final int AHEAD = TUNING.ahead();
    /** Whether inference fuses x_proj's column split, the dt projection and the scan ({@link SelectiveScan#forwardProjected}). */
    static final boolean FUSE_PROJECTION = TUNING.fuseProjection();
    private static final int REDUCE_GROUP = 64;
    /** Work-group memory a kernel may declare on every device we run (CUDA's static limit). */
    static final int MAX_LOCAL_BYTES = 48 * 1024;

    private ScanGpu() {
    }

    /**
     * Work-group memory of the forward kernels, as scan.cl declares it: B and C of a chunk, the dt
     * rows and dtW rows when projected (R &gt; 0), the split parts when split &gt; 1.
     */
    static long forwardLocalBytes(int dState, int split, int dtRank) {
        int slots = Math.max(1, dtRank);
        long floats = 2L * CHUNK * dState + (long) CHUNK * slots + (long) GROUP * slots
                + (split > 1 ? (long) CHUNK * GROUP * split : 0);
        return floats * Float.BYTES;
    }

    /** The forward's work-items per channel for these sizes: SPLIT where it divides N, else 1. */
    static int split(Dims d) {
        return d.dState() % SPLIT == 0 ? SPLIT : 1;
    }

    /**
     * Whether the fused projected forward runs for these sizes and dt rank: a supported state size,
     * R &lt;= {@value #MAX_DT_RANK}, and its work-group memory within {@value #MAX_LOCAL_BYTES} bytes.
     */
    static boolean canFuse(Dims d, int dtRank, String device) {
        return unsupported(d, device) == null && dtRank >= 1 && dtRank <= MAX_DT_RANK
                && forwardLocalBytes(d.dState(), split(d), dtRank) <= MAX_LOCAL_BYTES;
    }

    /** Why this backend cannot run {@code d}, or null when it can. */
    static String unsupported(Dims d, String device) {
        return d.dState() > MAX_STATE ? "dState is " + d.dState() + ", the " + device + " scan keeps the state in private "
                + "memory and supports dState <= " + MAX_STATE : null;
    }

    private static void requireSupported(Dims d, String device) {
        String why = unsupported(d, device);
        if (why != null) {
            throw new IllegalArgumentException(SelectiveScan.OP + ": " + why);
        }
    }

    /** scan.cl for the backward and the default forward (one module serves both). */
    private static GpuProgram program(GpuSession s, Dims d) {
        return s.program(SRC, defines(d, 1, AHEAD));
    }

    private static String defines(Dims d, int split, int ahead) {
        return "-DSSAM_NSTATE=" + d.dState() + " -DSSAM_CHUNK=" + CHUNK + " -DSSAM_AHEAD=" + ahead
                + (split > 1 ? " -DSSAM_SPLIT=" + split : "");
    }

    /** The scan inputs on the device (absent optional inputs are null buffers). */
    private record Device(GpuBuffer u, GpuBuffer delta, GpuBuffer a, GpuBuffer bm, GpuBuffer cm, GpuBuffer dv, GpuBuffer z,
                          GpuBuffer bias) {
        static Device of(GpuSession s, Inputs in) {
            return new Device(s.in(in.u()), s.in(in.delta()), s.in(in.A()), s.in(in.B()), s.in(in.C()), s.in(in.D()),
                    s.in(in.z()), s.in(in.deltaBias()));
        }
    }

    /**
     * The shape of the states the forward saves for the backward ({@link SelectiveScan#savedStatesShape}):
     * the state at every chunk start, (B, ceil(L / {@link #CHUNK}), N, E).
     */
    static int[] savedStatesShape(Dims d) {
        return new int[] {d.batch(), (d.len() + CHUNK - 1) / CHUNK, d.dState(), d.dInner()};
    }

    static void forward(Backend.Gpu gpu, Dims d, Inputs in, Tensor out, Tensor lastState, Tensor saved) {
        forward(gpu, d, in, out, lastState, saved, split(d), AHEAD);
    }

    /**
     * The forward with {@code split} work-items per channel (1: {@code scan_forward}; split divides
     * N), each loading {@code ahead} tokens' inputs at a time; {@code saved} (or null) receives the
     * states for the backward.
     */
    static void forward(Backend.Gpu gpu, Dims d, Inputs in, Tensor out, Tensor lastState, Tensor saved, int split,
                        int ahead) {
        requireSplit(d, split, 0, gpu.name());
        try (GpuSession s = gpu.context().session(SelectiveScan.OP)) {
            Device g = Device.of(s, in);
            launchForward(s, d, split, ahead, 0, g.u, g.delta, g.a, g.bm, g.cm, g.dv, g.z, g.bias, s.out(out),
                    lastState == null ? null : s.out(lastState), in.deltaSoftplus(), null, null, d.dState(), 0, 0,
                    saved == null ? null : s.out(saved));
        }
    }

    /** {@link SelectiveScan#forwardProjected} with the default split and ahead. */
    static void forwardProjected(Backend.Gpu gpu, Dims d, int dtRank, Tensor u, Tensor xdbl, Tensor dtW, Tensor A,
                                 Tensor D, Tensor z, Tensor deltaBias, boolean deltaSoftplus, Tensor out) {
        forwardProjected(gpu, d, dtRank, u, xdbl, dtW, A, D, z, deltaBias, deltaSoftplus, out, split(d), AHEAD);
    }

    /** {@link SelectiveScan#forwardProjected} with {@code split} and {@code ahead} as {@link #forward}'s. */
    static void forwardProjected(Backend.Gpu gpu, Dims d, int dtRank, Tensor u, Tensor xdbl, Tensor dtW, Tensor A,
                                 Tensor D, Tensor z, Tensor deltaBias, boolean deltaSoftplus, Tensor out, int split,
                                 int ahead) {
        requireSplit(d, split, dtRank, gpu.name());
        try (GpuSession s = gpu.context().session(SelectiveScan.OP)) {
            GpuBuffer x = s.in(xdbl);
            int n = d.dState();
            launchForward(s, d, split, ahead, dtRank, s.in(u), null, s.in(A), x, x, s.in(D), s.in(z), s.in(deltaBias),
                    s.out(out), null, deltaSoftplus, x, s.in(dtW), dtRank + 2 * n, dtRank, dtRank + n, null);
        }
    }

    private static void requireSplit(Dims d, int split, int dtRank, String device) {
        requireSupported(d, device);
        if (split < 1 || d.dState() % split != 0) {
            throw new IllegalArgumentException(SelectiveScan.OP + ": " + split + " work-items per channel do not divide "
                    + "dState " + d.dState());
        }
        long bytes = forwardLocalBytes(d.dState(), split, dtRank);
        if (bytes > MAX_LOCAL_BYTES) {
            throw new IllegalArgumentException(SelectiveScan.OP + ": the forward with " + split + " work-items per "
                    + "channel, chunks of " + CHUNK + " tokens, dState " + d.dState() + " and dt rank " + dtRank
                    + " needs " + bytes + " bytes of work-group memory, more than " + MAX_LOCAL_BYTES
                    + "; lower ssam.gpu.scanSplit or ssam.gpu.scanChunk");
        }
    }

    /** scan_forward or scan_forward_split over (channels, batch), in kernel argument order. */
    private static void launchForward(GpuSession s, Dims d, int split, int ahead, int dtRank, GpuBuffer u,
                                      GpuBuffer delta, GpuBuffer a, GpuBuffer bm, GpuBuffer cm, GpuBuffer dv,
                                      GpuBuffer z, GpuBuffer bias, GpuBuffer y, GpuBuffer last, boolean softplus,
                                      GpuBuffer dtRaw, GpuBuffer dtW, int bcStride, int bOff, int cOff,
                                      GpuBuffer saved) {
        GpuProgram p = s.program(SRC, defines(d, split, ahead) + (dtRank > 0 ? " -DSSAM_DTRANK=" + dtRank : ""));
        long channels = (long) (d.dInner() + GROUP - 1) / GROUP * GROUP;
        s.launch2d(p, split == 1 ? "scan_forward" : "scan_forward_split", channels * split, d.batch(), GROUP * split, 1,
                u, delta, a, bm, cm, dv, z, bias, y, last, d.len(), d.dInner(), softplus ? 1 : 0, dtRaw, dtW, bcStride,
                bOff, cOff, saved);
    }

    /**
     * The backward; {@code saved}, when not null, holds the states a forward on the same inputs
     * saved, so the kernel skips its own forward pass.
     */
    static void backward(Backend.Gpu gpu, Dims d, Inputs in, Tensor gout, Grads grads, Tensor saved) {
        requireSupported(d, gpu.name());
        int n = d.dState();
        int groups = (d.dInner() + GROUP - 1) / GROUP;
        int chunks = (d.len() + CHUNK - 1) / CHUNK;
        try (GpuSession s = gpu.context().session(SelectiveScan.OP)) {
            GpuProgram p = program(s, d);
            Device g = Device.of(s, in);
            GpuBuffer go = s.in(gout);
            GpuBuffer ckpt = saved != null ? s.in(saved)
                    : s.alloc((long) d.batch() * chunks * n * d.dInner()); // (B, chunks, N, E)
            GpuBuffer du = out(s, grads.du());
            GpuBuffer dDelta = out(s, grads.dDelta());
            GpuBuffer dz = out(s, grads.dz());
            GpuBuffer partBC = s.alloc((long) d.batch() * d.len() * 2 * n * groups); // (B, L, 2N, groups)
            GpuBuffer partE = s.alloc((long) d.batch() * d.dInner() * (n + 2)); // (B, E, N + 2)
            s.launch2d(p, "scan_backward", d.dInner(), d.batch(), GROUP, 1, g.u, g.delta, g.a, g.bm, g.cm, g.dv, g.z,
                    g.bias, go, ckpt, du, dDelta, dz, partBC, partE, d.len(), d.dInner(), in.deltaSoftplus() ? 1 : 0,
                    saved != null ? 1 : 0);
            if (grads.dB() != null || grads.dC() != null) {
                GpuBuffer db = out(s, grads.dB());
                GpuBuffer dc = out(s, grads.dC());
                s.launch1d(p, "scan_reduce_bc", (long) d.batch() * d.len() * n, REDUCE_GROUP, partBC, db, dc,
                        d.batch() * d.len(), groups);
            }
            if (grads.dA() != null || grads.dD() != null || grads.dDeltaBias() != null) {
                GpuBuffer da = out(s, grads.dA());
                GpuBuffer dd = out(s, grads.dD());
                GpuBuffer db = out(s, grads.dDeltaBias());
                s.launch1d(p, "scan_reduce_e", (long) d.dInner() * (n + 2), REDUCE_GROUP, partE, da, dd, db,
                        d.batch(), d.dInner());
            }
        }
    }

    private static GpuBuffer out(GpuSession s, Tensor t) {
        return t == null ? null : s.out(t);
    }
}
