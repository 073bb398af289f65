package dev.ssam.ops.scan;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * The selective scan of a Mamba mixer (SSAM-SPEC section 3, steps 5 and 6), forward and backward.
 *
 * <p>Mirrors mamba_ssm {@code selective_scan_ref(u, delta, A, B, C, D, z, delta_bias,
 * delta_softplus, return_last_state)} with variable (token-dependent) B and C of one group.
 * Per batch b, channel e, state n and token t = 0..L-1, with the state h starting at 0:
 * <pre>
 *   d[t,e]   = delta[t,e] + deltaBias[e]                 (bias optional)
 *   d[t,e]   = softplus(d[t,e])                          (if deltaSoftplus; softplus(x) = x for x &gt; 20)
 *   h[e,n]   = exp(d[t,e] A[e,n]) h[e,n] + d[t,e] B[t,n] u[t,e]
 *   y[t,e]   = sum_n C[t,n] h[e,n] + D[e] u[t,e]          (D optional)
 *   y[t,e]  *= SiLU(z[t,e])                              (z optional)
 *   lastState[e,n] = h[e,n] after t = L-1                (optional output)
 * </pre>
 *
 * <p>Shapes (named dims: batch B, len L, dInner E, dState N; row-major, last index fastest).
 * The layout is token-major, as the model produces it, where mamba_ssm is channel-major
 * ({@code (B, E, L)}): that is the one deviation, a transpose.
 * <ul>
 *   <li>{@code u, delta, z, out}: (B, L, E), E fastest</li>
 *   <li>{@code B, C}: (B, L, N), N fastest</li>
 *   <li>{@code A}: (E, N) (the model passes {@code -exp(A_log)})</li>
 *   <li>{@code D, deltaBias}: (E)</li>
 *   <li>{@code lastState}: (B, E, N)</li>
 * </ul>
 * {@code delta}, {@code A} and {@code deltaBias} must be finite (a non-finite step poisons every
 * later state of its channel silently); NaN in {@code u, B, C, D, z} propagates to the outputs
 * it reaches.
 *
 * <p>Backward: for {@code loss = sum(y * gout)} it writes the gradient of every input whose
 * {@link Grads} entry is non-null, OVERWRITING it. {@code dDelta} is the gradient with respect to
 * the raw {@code delta} argument (through the bias add and the softplus), so {@code dDeltaBias}
 * is its sum over batch and tokens. The forward's states are recomputed inside backward, except
 * that a GPU forward can save the state at every chunk start for the backward of the same inputs
 * ({@link #savedStatesShape}: the backward then skips its own forward pass; Ref and Cpu save
 * nothing and always recompute).
 *
 * <p>Implementations: {@code ScanRef} (scalar, computes in double: the oracle) and
 * {@code ScanCpu}/{@code ScanCpuBackward} (Vector API across channels). The Cpu exp is a
 * polynomial within about 1 ulp ({@code ScanMath}); the Cpu backward reduces dB and dC over channels
 * in a fixed order, so its results do not depend on the thread count. {@code ScanGpu} runs the
 * portable kernel {@code kernels/scan.cl} (float, dState &lt;= 32, see {@link #supports}), with
 * fixed-order reductions as well.
 *
 * <pre>{@code
 * var in = new SelectiveScan.Inputs(x, dt, a, bm, cm, d, z, dtBias, true);
 * SelectiveScan.forward(backend, in, y, null);                 // y: (B, L, E)
 * var grads = SelectiveScan.Grads.like(in);
 * SelectiveScan.backward(backend, in, gy, grads);              // grads.du(): (B, L, E), ...
 * }</pre>
 */
public final class SelectiveScan {
    static final String OP = "selectiveScan";

    private SelectiveScan() {
    }

    /**
     * The inputs of one scan.
     *
     * @param u             (B, L, E) the input sequence
     * @param delta         (B, L, E) the raw step sizes (before bias and softplus)
     * @param A             (E, N) state matrix (negative for a stable scan)
     * @param B             (B, L, N) input projection per token
     * @param C             (B, L, N) output projection per token
     * @param D             (E) skip connection, or null
     * @param z             (B, L, E) gate, or null
     * @param deltaBias     (E) added to delta before the softplus, or null
     * @param deltaSoftplus whether delta passes through softplus
     */
    public record Inputs(Tensor u, Tensor delta, Tensor A, Tensor B, Tensor C, Tensor D, Tensor z,
                         Tensor deltaBias, boolean deltaSoftplus) {
    }

    /**
     * Gradient outputs of {@link #backward}; each is null when not wanted, and must be null when
     * the corresponding optional input is absent. Shapes are those of the inputs.
     *
     * @param du         (B, L, E)
     * @param dDelta     (B, L, E), with respect to the raw delta
     * @param dA         (E, N)
     * @param dB         (B, L, N)
     * @param dC         (B, L, N)
     * @param dD         (E)
     * @param dz         (B, L, E)
     * @param dDeltaBias (E)
     */
    public record Grads(Tensor du, Tensor dDelta, Tensor dA, Tensor dB, Tensor dC, Tensor dD, Tensor dz,
                        Tensor dDeltaBias) {

        /** Zero tensors for the gradient of every input {@code in} has (null for absent ones). */
        public static Grads like(Inputs in) {
            return new Grads(zerosLike(in.u()), zerosLike(in.delta()), zerosLike(in.A()), zerosLike(in.B()),
                    zerosLike(in.C()), zerosLike(in.D()), zerosLike(in.z()), zerosLike(in.deltaBias()));
        }

        private static Tensor zerosLike(Tensor t) {
            return t == null ? null : Tensor.zeros(t.shape());
        }
    }

    /**
     * Validated sizes.
     *
     * @param batch  B
     * @param len    L
     * @param dInner E (channels)
     * @param dState N
     */
    public record Dims(int batch, int len, int dInner, int dState) {
        /** B * L * E * N: the state updates of one call (divide by seconds for updates/s). */
        public long stateUpdates() {
            return (long) batch * len * dInner * dState;
        }
    }

    /**
     * Whether {@code backend} can run a scan of these sizes: every backend except opencl runs any
     * size; opencl keeps a channel's state in private memory and needs dState &lt;= 32 (its
     * forward and backward throw an IllegalArgumentException saying so otherwise).
     */
    public static boolean supports(Backend backend, Dims dims) {
        return switch (backend) {
            case Backend.Ref r -> true;
            case Backend.Cpu c -> true;
            case Backend.Gpu g -> ScanGpu.unsupported(dims, g.name()) == null;
        };
    }

    /**
     * Runs the scan. {@code out} (B, L, E) and {@code lastState} (B, E, N, or null) are
     * overwritten; no input is modified.
     */
    public static void forward(Backend backend, Inputs in, Tensor out, Tensor lastState) {
        forward(backend, in, out, lastState, null);
    }

    /**
     * The shape of the states a forward on {@code backend} can save for the backward of the same
     * inputs, or null where it saves none (Ref, Cpu): on a GPU the state at every chunk start,
     * {@code (B, ceil(L / chunk), N, E)}, E fastest, chunk being {@code ssam.gpu.scanChunk} (16),
     * which spares the backward a pass over every token (for SSAM-Tiny at batch 256 a block's states
     * are 226 MB, kept from the forward to the backward).
     */
    public static int[] savedStatesShape(Backend backend, Dims dims) {
        return switch (backend) {
            case Backend.Ref r -> null;
            case Backend.Cpu c -> null;
            case Backend.Gpu g -> ScanGpu.savedStatesShape(dims);
        };
    }

    /**
     * {@link #forward(Backend, Inputs, Tensor, Tensor)} that also writes {@code savedStates} (null,
     * or of {@link #savedStatesShape} on this backend) for {@link #backward(Backend, Inputs, Tensor,
     * Grads, Tensor)} of the same inputs.
     */
    public static void forward(Backend backend, Inputs in, Tensor out, Tensor lastState, Tensor savedStates) {
        Dims dims = check(in, out, lastState);
        if (checkSaved(backend, dims, savedStates, in)) {
            Shapes.requireDistinct(OP, "savedStates", savedStates, "out", out);
            Shapes.requireDistinct(OP, "savedStates", savedStates, "lastState", lastState);
        }
        switch (backend) {
            case Backend.Ref r -> ScanRef.forward(dims, in, out, lastState);
            case Backend.Cpu c -> ScanCpu.forward(c, dims, in, out, lastState);
            case Backend.Gpu g -> ScanGpu.forward(g, dims, in, out, lastState, savedStates);
        }
    }

    /** {@link #forward(Backend, Inputs, Tensor, Tensor)} with the inputs spelled out (null for absent ones). */
    public static void forward(Backend backend, Tensor u, Tensor delta, Tensor A, Tensor B, Tensor C, Tensor D,
                               Tensor z, Tensor deltaBias, boolean deltaSoftplus, Tensor out, Tensor lastState) {
        forward(backend, new Inputs(u, delta, A, B, C, D, z, deltaBias, deltaSoftplus), out, lastState);
    }

    /**
     * The forward straight from a mixer's x_proj output (inference, where nothing is kept for a
     * backward): with {@code R = dtW.dim(1)},
     * <pre>
     *   dt_raw = xdbl[.., :R]   B = xdbl[.., R:R+N]   C = xdbl[.., R+N:]     (column blocks)
     *   delta  = dt_raw dtW^T                                            (B, L, E), no bias
     *   out    = scan(u, delta, A, B, C, D, z, deltaBias, deltaSoftplus)  as {@link #forward}
     * </pre>
     * Shapes: {@code u, z, out (B, L, E)}; {@code xdbl (B, L, R + 2N)}; {@code dtW (E, R)};
     * {@code A (E, N)}; {@code D, deltaBias (E)} or null. Ref and Cpu run exactly that sequence of
     * ops (column copies, {@code Matmul.linear}, the scan) on temporaries; a GPU backend runs one
     * kernel that stages the column blocks and takes each token's delta itself, so neither the
     * copies nor delta (B, L, E) are written to memory, where its sizes allow (R &lt;=
     * {@value ScanGpu#MAX_DT_RANK}, a supported state size, the kernel's work-group memory within
     * {@value ScanGpu#MAX_LOCAL_BYTES} bytes; else the sequence of ops, on the GPU).
     */
    public static void forwardProjected(Backend backend, Tensor u, Tensor xdbl, Tensor dtW, Tensor A, Tensor D,
                                        Tensor z, Tensor deltaBias, boolean deltaSoftplus, Tensor out) {
        Dims d = ScanProjection.check(u, xdbl, dtW, A, D, z, deltaBias, out);
        int rank = dtW.dim(1);
        if (backend instanceof Backend.Gpu g && ScanGpu.canFuse(d, rank, g.name())) {
            ScanGpu.forwardProjected(g, d, rank, u, xdbl, dtW, A, D, z, deltaBias, deltaSoftplus, out);
        } else {
            ScanProjection.composed(backend, d, rank, u, xdbl, dtW, A, D, z, deltaBias, deltaSoftplus, out);
        }
    }

    /**
     * Whether {@link #forwardProjected} runs as one fused kernel on {@code backend} for these
     * sizes and dt rank R, so a caller gains by using it: GPU backends where the sizes allow (see
     * there), unless the system property {@code ssam.gpu.scanFuseProjection} is false; elsewhere it
     * is the sequence of ops it is defined by, no faster than calling them.
     */
    public static boolean fusesProjection(Backend backend, Dims dims, int dtRank) {
        return backend instanceof Backend.Gpu g && ScanGpu.FUSE_PROJECTION && ScanGpu.canFuse(dims, dtRank, g.name());
    }

    /**
     * Gradients of {@code sum(y * gout)} with respect to every input that has a non-null entry in
     * {@code grads} (overwritten). {@code gout}: (B, L, E).
     */
    public static void backward(Backend backend, Inputs in, Tensor gout, Grads grads) {
        backward(backend, in, gout, grads, null);
    }

    /**
     * {@link #backward(Backend, Inputs, Tensor, Grads)} reading the states a forward on the same
     * backend saved for these same inputs ({@code savedStates}, or null to recompute them). States
     * saved from other inputs give wrong gradients: the caller keeps them together.
     */
    public static void backward(Backend backend, Inputs in, Tensor gout, Grads grads, Tensor savedStates) {
        Dims dims = checkBackward(in, gout, grads);
        if (checkSaved(backend, dims, savedStates, in)) {
            Shapes.requireDistinct(OP, "savedStates", savedStates, "gout", gout);
            Tensor[] gs = gradients(grads);
            for (int i = 0; i < gs.length; i++) {
                if (gs[i] != null) {
                    Shapes.requireDistinct(OP, GRAD_NAMES[i], gs[i], "savedStates", savedStates);
                }
            }
        }
        switch (backend) {
            case Backend.Ref r -> ScanRef.backward(dims, in, gout, grads);
            case Backend.Cpu c -> ScanCpuBackward.backward(c, dims, in, gout, grads);
            case Backend.Gpu g -> ScanGpu.backward(g, dims, in, gout, grads, savedStates);
        }
    }

    /** {@link #backward(Backend, Inputs, Tensor, Grads)} with the inputs spelled out. */
    public static void backward(Backend backend, Tensor u, Tensor delta, Tensor A, Tensor B, Tensor C, Tensor D,
                                Tensor z, Tensor deltaBias, boolean deltaSoftplus, Tensor gout, Grads grads) {
        backward(backend, new Inputs(u, delta, A, B, C, D, z, deltaBias, deltaSoftplus), gout, grads);
    }

    /** Validates the inputs and the forward outputs; returns the sizes. */
    public static Dims check(Inputs in, Tensor out, Tensor lastState) {
        Dims d = checkInputs(in);
        Shapes.require(OP, "out", out, Shapes.names("batch", "len", "dInner"), d.batch(), d.len(), d.dInner());
        if (lastState != null) {
            Shapes.require(OP, "lastState", lastState, Shapes.names("batch", "dInner", "dState"),
                    d.batch(), d.dInner(), d.dState());
        }
        requireDistinctFromInputs("out", out, in, null);
        requireDistinctFromInputs("lastState", lastState, in, null);
        if (lastState != null) {
            Shapes.requireDistinct(OP, "lastState", lastState, "out", out);
        }
        return d;
    }

    /** Validates the inputs, the upstream gradient and the gradient outputs; returns the sizes. */
    public static Dims checkBackward(Inputs in, Tensor gout, Grads grads) {
        Dims d = checkInputs(in);
        Shapes.require(OP, "gout", gout, Shapes.names("batch", "len", "dInner"), d.batch(), d.len(), d.dInner());
        if (grads == null) {
            throw new IllegalArgumentException(OP + ": grads is missing (null), expected a Grads record");
        }
        String[] ble = Shapes.names("batch", "len", "dInner");
        String[] bln = Shapes.names("batch", "len", "dState");
        String[] e = Shapes.names("dInner");
        String[][] dimNames = {ble, ble, Shapes.names("dInner", "dState"), bln, bln, e, ble, e};
        Tensor[] ins = {in.u(), in.delta(), in.A(), in.B(), in.C(), in.D(), in.z(), in.deltaBias()};
        Tensor[] gs = gradients(grads);
        for (int i = 0; i < gs.length; i++) {
            if (gs[i] == null) {
                continue;
            }
            if (ins[i] == null) {
                throw new IllegalArgumentException(OP + ": " + GRAD_NAMES[i] + " is " + gs[i].shapeString()
                        + ", expected null because its input is absent (null)");
            }
            Shapes.require(OP, GRAD_NAMES[i], gs[i], dimNames[i], ins[i].shape());
            requireDistinctFromInputs(GRAD_NAMES[i], gs[i], in, gout);
            for (int j = 0; j < i; j++) {
                if (gs[j] != null) {
                    Shapes.requireDistinct(OP, GRAD_NAMES[i], gs[i], GRAD_NAMES[j], gs[j]);
                }
            }
        }
        return d;
    }

    /** The names of {@link Grads}' components, in the order of {@link #gradients}. */
    private static final String[] GRAD_NAMES = {"du", "dDelta", "dA", "dB", "dC", "dD", "dz", "dDeltaBias"};

    /** {@link Grads}' components in their declaration order (nulls included). */
    private static Tensor[] gradients(Grads g) {
        return new Tensor[] {g.du(), g.dDelta(), g.dA(), g.dB(), g.dC(), g.dD(), g.dz(), g.dDeltaBias()};
    }

    /**
     * Validates {@code saved}: null, or of {@link #savedStatesShape} on {@code backend} and distinct
     * from the inputs; returns whether it is given.
     */
    private static boolean checkSaved(Backend backend, Dims d, Tensor saved, Inputs in) {
        if (saved == null) {
            return false;
        }
        int[] shape = savedStatesShape(backend, d);
        if (shape == null) {
            throw new IllegalArgumentException(OP + ": savedStates is " + saved.shapeString() + ", but the "
                    + backend.name() + " backend saves no states (it recomputes them); pass null");
        }
        Shapes.require(OP, "savedStates", saved, Shapes.names("batch", "chunks", "dState", "dInner"), shape);
        requireDistinctFromInputs("savedStates", saved, in, null);
        return true;
    }

    private static Dims checkInputs(Inputs in) {
        if (in == null) {
            throw new IllegalArgumentException(OP + ": inputs are missing (null)");
        }
        int[] s = Shapes.requireRank(OP, "u", in.u(), 3, "(B, L, E)");
        int batch = s[0];
        int len = s[1];
        int dInner = s[2];
        String[] ble = Shapes.names("batch", "len", "dInner");
        Shapes.require(OP, "delta", in.delta(), ble, batch, len, dInner);
        int dState = Shapes.requireRank(OP, "A", in.A(), 2, "(E, N)")[1];
        Shapes.require(OP, "A", in.A(), Shapes.names("dInner", "dState"), dInner, dState);
        String[] bln = Shapes.names("batch", "len", "dState");
        Shapes.require(OP, "B", in.B(), bln, batch, len, dState);
        Shapes.require(OP, "C", in.C(), bln, batch, len, dState);
        if (in.D() != null) {
            Shapes.require(OP, "D", in.D(), Shapes.names("dInner"), dInner);
        }
        if (in.z() != null) {
            Shapes.require(OP, "z", in.z(), ble, batch, len, dInner);
        }
        if (in.deltaBias() != null) {
            Shapes.require(OP, "deltaBias", in.deltaBias(), Shapes.names("dInner"), dInner);
            Shapes.requireFinite(OP, "deltaBias", in.deltaBias());
        }
        Shapes.requireFinite(OP, "delta", in.delta());
        Shapes.requireFinite(OP, "A", in.A());
        return new Dims(batch, len, dInner, dState);
    }

    private static void requireDistinctFromInputs(String arg, Tensor t, Inputs in, Tensor gout) {
        if (t == null) {
            return;
        }
        Shapes.requireDistinct(OP, arg, t, "u", in.u());
        Shapes.requireDistinct(OP, arg, t, "delta", in.delta());
        Shapes.requireDistinct(OP, arg, t, "A", in.A());
        Shapes.requireDistinct(OP, arg, t, "B", in.B());
        Shapes.requireDistinct(OP, arg, t, "C", in.C());
        Shapes.requireDistinct(OP, arg, t, "D", in.D());
        Shapes.requireDistinct(OP, arg, t, "z", in.z());
        Shapes.requireDistinct(OP, arg, t, "deltaBias", in.deltaBias());
        Shapes.requireDistinct(OP, arg, t, "gout", gout);
    }
}
