package dev.ssam.ops.scan;

import dev.ssam.ops.scan.SelectiveScan.Dims;
import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.opencl.ClBuffer;
import dev.ssam.runtime.opencl.ClContext;
import dev.ssam.runtime.opencl.ClProgram;
import dev.ssam.runtime.opencl.ClSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link SelectiveScan} on an OpenCL device ({@code kernels/scan.cl}), compiled once per state
 * size N ({@code -DSSAM_NSTATE=N}, state in private memory, so N is at most {@link #MAX_STATE}).
 *
 * <p>Forward: one work-item per (batch, channel), {@value #GROUP} channels of one batch per
 * work-group sharing each chunk of B and C rows in work-group memory. Backward: the same
 * mapping; a forward pass checkpoints the state every 16 tokens, each chunk is recomputed in
 * private memory and walked backwards; dB and dC are summed over the group's channels per token
 * in work-group memory, then over groups, and dA, dD, dDeltaBias over batches, each in a fixed
 * order by two small kernels, so results do not depend on scheduling. Arithmetic is float with
 * explicit fma (Ref computes in double).
 *
 * <p>This first GPU step copies the host tensors to device buffers, runs the kernels and reads
 * the results back on every call; tensors that stay on the device between ops come next.
 */
final class ScanOpenCl {
    /** Largest state size: the state, its gradient and a 16-token chunk of states sit in private memory. */
    static final int MAX_STATE = 32;
    private static final KernelSource SRC = KernelSource.load(ScanOpenCl.class, "scan.cl");
    /** Channels per work-group (SSAM_GROUP in the source). */
    private static final int GROUP = 64;
    /** Tokens per checkpoint (SSAM_CHUNK in the source). */
    private static final int CHUNK = 16;
    private static final int REDUCE_GROUP = 64;

    private ScanOpenCl() {
    }

    /** Why this backend cannot run {@code d}, or null when it can. */
    static String unsupported(Dims d) {
        return d.dState() > MAX_STATE ? "dState is " + d.dState() + ", the opencl scan keeps the state in private "
                + "memory and supports dState <= " + MAX_STATE : null;
    }

    private static void requireSupported(Dims d) {
        String why = unsupported(d);
        if (why != null) {
            throw new IllegalArgumentException(SelectiveScan.OP + ": " + why);
        }
    }

    private static ClProgram program(ClSession s, Dims d) {
        return s.program(SRC, "-DSSAM_NSTATE=" + d.dState());
    }

    /** The scan inputs on the device (absent optional inputs are null buffers). */
    private record Device(ClBuffer u, ClBuffer delta, ClBuffer a, ClBuffer bm, ClBuffer cm, ClBuffer dv, ClBuffer z,
                          ClBuffer bias) {
        static Device upload(ClSession s, Inputs in) {
            return new Device(s.upload(in.u()), s.upload(in.delta()), s.upload(in.A()), s.upload(in.B()), s.upload(in.C()),
                    s.upload(in.D()), s.upload(in.z()), s.upload(in.deltaBias()));
        }
    }

    static void forward(ClContext cl, Dims d, Inputs in, Tensor out, Tensor lastState) {
        requireSupported(d);
        try (ClSession s = cl.session(SelectiveScan.OP)) {
            ClProgram p = program(s, d);
            Device g = Device.upload(s, in);
            ClBuffer y = s.alloc(out.size());
            ClBuffer last = lastState == null ? null : s.alloc(lastState.size());
            s.launch2d(p, "scan_forward", d.dInner(), d.batch(), GROUP, 1, g.u, g.delta, g.a, g.bm, g.cm, g.dv, g.z, g.bias,
                    y, last,
                    d.len(), d.dInner(), in.deltaSoftplus() ? 1 : 0);
            s.download(y, out);
            if (lastState != null) {
                s.download(last, lastState);
            }
        }
    }

    static void backward(ClContext cl, Dims d, Inputs in, Tensor gout, Grads grads) {
        requireSupported(d);
        int n = d.dState();
        int groups = (d.dInner() + GROUP - 1) / GROUP;
        int chunks = (d.len() + CHUNK - 1) / CHUNK;
        long ble = (long) d.batch() * d.len() * d.dInner();
        try (ClSession s = cl.session(SelectiveScan.OP)) {
            ClProgram p = program(s, d);
            Device g = Device.upload(s, in);
            ClBuffer go = s.upload(gout);
            ClBuffer ckpt = s.alloc((long) d.batch() * chunks * n * d.dInner()); // (B, chunks, N, E)
            ClBuffer du = grads.du() == null ? null : s.alloc(ble);
            ClBuffer dDelta = grads.dDelta() == null ? null : s.alloc(ble);
            ClBuffer dz = grads.dz() == null ? null : s.alloc(ble);
            ClBuffer partBC = s.alloc((long) d.batch() * d.len() * 2 * n * groups); // (B, L, 2N, groups)
            ClBuffer partE = s.alloc((long) d.batch() * d.dInner() * (n + 2)); // (B, E, N + 2)
            s.launch2d(p, "scan_backward", d.dInner(), d.batch(), GROUP, 1, g.u, g.delta, g.a, g.bm, g.cm, g.dv, g.z,
                    g.bias, go, ckpt, du, dDelta, dz, partBC, partE, d.len(), d.dInner(), in.deltaSoftplus() ? 1 : 0);
            if (grads.dB() != null || grads.dC() != null) {
                ClBuffer db = grads.dB() == null ? null : s.alloc(grads.dB().size());
                ClBuffer dc = grads.dC() == null ? null : s.alloc(grads.dC().size());
                s.launch1d(p, "scan_reduce_bc", (long) d.batch() * d.len() * n, REDUCE_GROUP, partBC, db, dc,
                        d.batch() * d.len(), groups);
                download(s, db, grads.dB());
                download(s, dc, grads.dC());
            }
            if (grads.dA() != null || grads.dD() != null || grads.dDeltaBias() != null) {
                ClBuffer da = grads.dA() == null ? null : s.alloc(grads.dA().size());
                ClBuffer dd = grads.dD() == null ? null : s.alloc(d.dInner());
                ClBuffer db = grads.dDeltaBias() == null ? null : s.alloc(d.dInner());
                s.launch1d(p, "scan_reduce_e", (long) d.dInner() * (n + 2), REDUCE_GROUP, partE, da, dd, db,
                        d.batch(), d.dInner());
                download(s, da, grads.dA());
                download(s, dd, grads.dD());
                download(s, db, grads.dDeltaBias());
            }
            download(s, du, grads.du());
            download(s, dDelta, grads.dDelta());
            download(s, dz, grads.dz());
        }
    }

    private static void download(ClSession s, ClBuffer b, Tensor t) {
        if (t != null) {
            s.download(b, t);
        }
    }
}
