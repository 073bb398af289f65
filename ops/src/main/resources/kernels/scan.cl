/*
 * Selective scan, forward and backward (dev.ssam.ops.scan.SelectiveScan). Token-major layout:
 * u, delta, z, out, gout, du, dDelta, dz (B, L, E), E fastest; B, C (B, L, N); A (E, N);
 * D, deltaBias (E); lastState (B, E, N). Optional tensors may be NULL.
 *
 * Compile-time parameters:
 *   SSAM_NSTATE  N, the state size (1..32): the state of one channel lives in private memory
 *   SSAM_GROUP   channels per work-group (64); all channels of a group share one batch index
 *   SSAM_SPLIT   (optional) work-items per channel of scan_forward_split, dividing N
 *   SSAM_AHEAD   (default 1; ScanGpu passes 8) tokens whose u, delta (and z) a forward work-item
 *                loads together before stepping through them, so their memory latencies overlap
 *   SSAM_CHUNK   tokens per chunk (default 16): the forward stages a chunk's B and C rows in work-group
 *                memory; the backward checkpoints the state at every chunk start
 *   SSAM_DTRANK  (default 0) R > 0: the forward kernels read x_proj's output as it is
 *                (SelectiveScan.forwardProjected): Bm = Cm = dtRaw = xdbl (B, L, R + 2N), B at
 *                column R, C at column R + N, and take delta = xdbl[.., :R] dtW^T (dtW (E, R)) per
 *                token themselves; delta is then NULL
 *
 * One work-item per (batch, channel), grid (ceil(E / SSAM_GROUP) * SSAM_GROUP, B), work-group
 * (SSAM_GROUP, 1). Work-items past E take part in loads and barriers only.
 */
#ifndef SSAM_NSTATE
#error "scan.cl needs -DSSAM_NSTATE=<N>"
#endif
#define SSAM_GROUP 64
#ifndef SSAM_CHUNK
#define SSAM_CHUNK 16
#endif
#ifndef SSAM_AHEAD
#define SSAM_AHEAD 1
#endif
#ifndef SSAM_DTRANK
#define SSAM_DTRANK 0
#endif
/* Size of the dt arrays (at least 1: C has no empty arrays). */
#define SSAM_DT_SLOTS (SSAM_DTRANK > 0 ? SSAM_DTRANK : 1)
#define NS SSAM_NSTATE
/* Row stride of the backward's per-channel dB/dC contributions in work-group memory: 2N + 1 is odd,
 * so a warp writing one entry per channel and reading one entry per thread hits distinct banks. */
#define RED_STRIDE (2 * NS + 1)

/* log2(e): every exp(d A) is taken as exp2(d A log2(e)), one multiply and the hardware's base-2
 * exponential where expf adds a range reduction (as mamba_ssm's kernels); the forward kernels keep
 * A log2(e), the backward keeps A (its gradients need it) and takes d (A log2(e)), the same
 * rounding. */
#define SSAM_LOG2E 1.4426950408889634f

/* d = softplus(delta + bias) or delta + bias. */
DEVICE float scan_step(float delta, float bias, int softplus) {
    float s = delta + bias;
    return softplus ? ssam_softplus(s) : s;
}

/*
 * Stages tokens [row0, row0 + steps) (rows of the flattened batch and time) in work-group memory,
 * work-items lt, lt + stride, ... sharing the copy: sB, sC (steps, N) from rows of bcStride
 * floats, B at column bOff and C at column cOff (without SSAM_DTRANK: B and C tensors of their own,
 * bcStride N and offsets 0); with SSAM_DTRANK R > 0 also sDt (steps, R) from columns 0..R-1 of
 * dtRaw's rows (same stride).
 */
DEVICE void scan_stage(LOCAL_PTR float *sB, LOCAL_PTR float *sC, LOCAL_PTR float *sDt, GLOBAL const float *Bm,
                       GLOBAL const float *Cm, GLOBAL const float *dtRaw, int row0, int steps, int bcStride, int bOff,
                       int cOff, int lt, int stride) {
#if SSAM_DTRANK == 0
    /* B and C tensors of their own (bcStride N, offsets 0): contiguous rows */
    for (int i = lt; i < steps * NS; i += stride) {
        sB[i] = Bm[row0 * NS + i];
        sC[i] = Cm[row0 * NS + i];
    }
#else
    for (int i = lt; i < steps * NS; i += stride) {
        int k = i / NS;
        int r = (row0 + k) * bcStride + i - k * NS;
        sB[i] = Bm[r + bOff];
        sC[i] = Cm[r + cOff];
    }
#endif
#if SSAM_DTRANK > 0
    for (int i = lt; i < steps * SSAM_DTRANK; i += stride) {
        int k = i / SSAM_DTRANK;
        sDt[i] = dtRaw[(row0 + k) * bcStride + i - k * SSAM_DTRANK];
    }
#endif
}

/*
 * The raw step of staged token k for the group's channel c: sum_r dtRaw[k, r] dtW[e, r], r in order;
 * the group's rows of dtW sit in sW channel-fastest (sW[r SSAM_GROUP + c]), so a warp reads distinct banks.
 */
DEVICE float scan_dt(LOCAL_PTR float *sDt, LOCAL_PTR float *sW, int k, int c) {
    float s = 0.0f;
#pragma unroll
    for (int r = 0; r < SSAM_DTRANK; r++) {
        s = fmaf(sDt[k * SSAM_DTRANK + r], sW[r * SSAM_GROUP + c], s);
    }
    return s;
}

/*
 * Writes states n0 .. n0 + count - 1 of channel e (h[0 .. count)) at the start of chunk c of batch b
 * into ckpt ((B, chunks, N, E), E fastest), as the backward's first pass stores them.
 */
DEVICE void scan_save_states(GLOBAL float *ckpt, float *h, int count, int n0, int b, int chunks, int c, int dInner,
                             int e) {
#pragma unroll
    for (int i = 0; i < count; i++) {
        ckpt[((b * chunks + c) * NS + n0 + i) * dInner + e] = h[i];
    }
}

/*
 * One state of one forward token: *h = exp2(d a) *h + b du (a holds A log2(e)); returns
 * acc + c *h, the state's term of the output added in state order.
 */
DEVICE float scan_state(float *h, float a, float b, float c, float d, float du, float acc) {
    *h = fmaf(exp2f(d * a), *h, b * du);
    return fmaf(c, *h, acc);
}

/* Copies the dtW rows of the group's channels e0 .. e0 + SSAM_GROUP - 1 (those below dInner) into sW. */
DEVICE void scan_stage_dtw(LOCAL_PTR float *sW, GLOBAL const float *dtW, int e0, int dInner, int lt, int stride) {
    for (int i = lt; i < SSAM_DTRANK * SSAM_GROUP; i += stride) {
        int r = i / SSAM_GROUP;
        int c = i - r * SSAM_GROUP;
        sW[i] = e0 + c < dInner ? dtW[(e0 + c) * SSAM_DTRANK + r] : 0.0f;
    }
}

/*
 * Loads u, delta (unless SSAM_DTRANK > 0) and z (unless NULL) of tokens k0 .. k0 + SSAM_AHEAD - 1
 * of the chunk at row0 (flattened batch and time), channel e, into pu, pd, pz: one memory latency
 * for SSAM_AHEAD tokens, not one a token. Tokens at or past steps load token k0 again (in range).
 */
DEVICE void scan_prefetch(GLOBAL const float *u, GLOBAL const float *delta, GLOBAL const float *z, float *pu,
                          float *pd, float *pz, int row0, int k0, int steps, int dInner, int e) {
#pragma unroll
    for (int j = 0; j < SSAM_AHEAD; j++) {
        int ut = (row0 + (k0 + j < steps ? k0 + j : k0)) * dInner + e;
        pu[j] = u[ut];
        pd[j] = SSAM_DTRANK > 0 ? 0.0f : delta[ut];
        pz[j] = z != 0 ? z[ut] : 0.0f;
    }
}

/*
 * h[n] = exp(d A[e,n]) h[n] + d B[t,n] u[t,e];  y[t,e] = (sum_n C[t,n] h[n] + D[e] u[t,e]) SiLU(z[t,e]).
 * a[n] holds A[e,n] log2(e). B and C rows are bcStride apart (N for B and C tensors of their own),
 * starting at columns bOff and cOff; dtRaw and dtW are NULL unless SSAM_DTRANK > 0. Unless NULL, ckpt
 * ((B, chunks, N, E), E fastest) receives the state at every chunk start, as scan_backward's first
 * pass writes it (the same arithmetic), so a backward given them skips that pass.
 */
KERNEL void scan_forward(GLOBAL const float *u, GLOBAL const float *delta, GLOBAL const float *A,
                         GLOBAL const float *Bm, GLOBAL const float *Cm, GLOBAL const float *Dv,
                         GLOBAL const float *z, GLOBAL const float *deltaBias, GLOBAL float *out,
                         GLOBAL float *lastState, int len, int dInner, int softplus, GLOBAL const float *dtRaw,
                         GLOBAL const float *dtW, int bcStride, int bOff, int cOff, GLOBAL float *ckpt) {
    LOCAL_ALIGN16 float sB[SSAM_CHUNK * NS];
    LOCAL_ALIGN16 float sC[SSAM_CHUNK * NS];
    LOCAL_ALIGN16 float sDt[SSAM_CHUNK * SSAM_DT_SLOTS];
    LOCAL float sW[SSAM_GROUP * SSAM_DT_SLOTS];
    int e = GLOBAL_ID(0);
    int b = GLOBAL_ID(1);
    int active = e < dInner;
    int ec = active ? e : 0;
    float a[NS];
    float h[NS];
#pragma unroll
    for (int n = 0; n < NS; n++) {
        a[n] = A[ec * NS + n] * SSAM_LOG2E;
        h[n] = 0.0f;
    }
#if SSAM_DTRANK > 0
    scan_stage_dtw(sW, dtW, BLOCK_ID(0) * SSAM_GROUP, dInner, THREAD_ID(0), SSAM_GROUP);
#endif
    float bias = deltaBias != 0 ? deltaBias[ec] : 0.0f;
    int chunks = (len + SSAM_CHUNK - 1) / SSAM_CHUNK;
    for (int t0 = 0; t0 < len; t0 += SSAM_CHUNK) {
        int steps = len - t0 < SSAM_CHUNK ? len - t0 : SSAM_CHUNK;
        if (active && ckpt != 0) {
            scan_save_states(ckpt, h, NS, 0, b, chunks, t0 / SSAM_CHUNK, dInner, e);
        }
        BARRIER();
        scan_stage(sB, sC, sDt, Bm, Cm, dtRaw, b * len + t0, steps, bcStride, bOff, cOff, THREAD_ID(0), SSAM_GROUP);
        BARRIER();
        for (int k0 = 0; active && k0 < steps; k0 += SSAM_AHEAD) {
            float pu[SSAM_AHEAD];
            float pd[SSAM_AHEAD];
            float pz[SSAM_AHEAD];
            scan_prefetch(u, delta, z, pu, pd, pz, b * len + t0, k0, steps, dInner, e);
#pragma unroll
            for (int j = 0; j < SSAM_AHEAD; j++) {
                int k = k0 + j;
                if (k < steps) {
                    float uu = pu[j];
                    float d = scan_step(SSAM_DTRANK > 0 ? scan_dt(sDt, sW, k, THREAD_ID(0)) : pd[j], bias, softplus);
                    float du = d * uu;
                    float acc = 0.0f;
#pragma unroll
                    for (int n = 0; n < NS; n++) {
                        acc = scan_state(&h[n], a[n], sB[k * NS + n], sC[k * NS + n], d, du, acc);
                    }
                    if (Dv != 0) {
                        acc = fmaf(Dv[e], uu, acc);
                    }
                    out[(b * len + t0 + k) * dInner + e] = z != 0 ? acc * ssam_silu(pz[j]) : acc;
                }
            }
        }
    }
    if (active && lastState != 0) {
#pragma unroll
        for (int n = 0; n < NS; n++) {
            lastState[(b * dInner + e) * NS + n] = h[n];
        }
    }
}

#ifdef SSAM_SPLIT
#define NPT (NS / SSAM_SPLIT)
/*
 * scan_forward with each channel's N states spread over SSAM_SPLIT work-items of NPT states each
 * (compiled only with -DSSAM_SPLIT=S, S dividing N): work-group SSAM_GROUP * S, work-item
 * lt = channel * S + part. Each work-item keeps its part of the state and writes its part of every
 * token's sum_n C h to work-group memory; after each chunk the parts are added in order (part 0
 * first) and the chunk's outputs written, channels fastest. Grid (ceil(E / SSAM_GROUP) SSAM_GROUP S, B).
 * ckpt as scan_forward's, each work-item writing its part of the state.
 */
KERNEL void scan_forward_split(GLOBAL const float *u, GLOBAL const float *delta, GLOBAL const float *A,
                               GLOBAL const float *Bm, GLOBAL const float *Cm, GLOBAL const float *Dv,
                               GLOBAL const float *z, GLOBAL const float *deltaBias, GLOBAL float *out,
                               GLOBAL float *lastState, int len, int dInner, int softplus,
                               GLOBAL const float *dtRaw, GLOBAL const float *dtW, int bcStride, int bOff, int cOff,
                               GLOBAL float *ckpt) {
    LOCAL float sB[SSAM_CHUNK * NS];
    LOCAL float sC[SSAM_CHUNK * NS];
    LOCAL_ALIGN16 float sDt[SSAM_CHUNK * SSAM_DT_SLOTS];
    LOCAL float sW[SSAM_GROUP * SSAM_DT_SLOTS];
    LOCAL float parts[SSAM_CHUNK * SSAM_GROUP * SSAM_SPLIT];
    int lt = THREAD_ID(0);
    int part = lt % SSAM_SPLIT;
    int e0 = BLOCK_ID(0) * SSAM_GROUP;
    int e = e0 + lt / SSAM_SPLIT;
    int b = GLOBAL_ID(1);
    int active = e < dInner;
    int ec = active ? e : 0;
    int n0 = part * NPT;
    float a[NPT];
    float h[NPT];
#pragma unroll
    for (int i = 0; i < NPT; i++) {
        a[i] = A[ec * NS + n0 + i] * SSAM_LOG2E;
        h[i] = 0.0f;
    }
#if SSAM_DTRANK > 0
    scan_stage_dtw(sW, dtW, e0, dInner, lt, SSAM_GROUP * SSAM_SPLIT);
#endif
    float bias = deltaBias != 0 ? deltaBias[ec] : 0.0f;
    int chunks = (len + SSAM_CHUNK - 1) / SSAM_CHUNK;
    for (int t0 = 0; t0 < len; t0 += SSAM_CHUNK) {
        int steps = len - t0 < SSAM_CHUNK ? len - t0 : SSAM_CHUNK;
        if (active && ckpt != 0) {
            scan_save_states(ckpt, h, NPT, n0, b, chunks, t0 / SSAM_CHUNK, dInner, e);
        }
        BARRIER();
        scan_stage(sB, sC, sDt, Bm, Cm, dtRaw, b * len + t0, steps, bcStride, bOff, cOff, lt, SSAM_GROUP * SSAM_SPLIT);
        BARRIER();
        for (int k0 = 0; active && k0 < steps; k0 += SSAM_AHEAD) {
            float pu[SSAM_AHEAD];
            float pd[SSAM_AHEAD];
            float pz[SSAM_AHEAD]; /* unused: the gate is applied after the parts are added */
            scan_prefetch(u, delta, 0, pu, pd, pz, b * len + t0, k0, steps, dInner, e);
#pragma unroll
            for (int j = 0; j < SSAM_AHEAD; j++) {
                int k = k0 + j;
                if (k < steps) {
                    float d = scan_step(SSAM_DTRANK > 0 ? scan_dt(sDt, sW, k, lt / SSAM_SPLIT) : pd[j], bias,
                                        softplus);
                    float du = d * pu[j];
                    float acc = 0.0f;
#pragma unroll
                    for (int i = 0; i < NPT; i++) {
                        acc = scan_state(&h[i], a[i], sB[k * NS + n0 + i], sC[k * NS + n0 + i], d, du, acc);
                    }
                    parts[k * SSAM_GROUP * SSAM_SPLIT + lt] = acc;
                }
            }
        }
        BARRIER();
        for (int idx = lt; idx < steps * SSAM_GROUP; idx += SSAM_GROUP * SSAM_SPLIT) {
            int k = idx / SSAM_GROUP;
            int c = idx - k * SSAM_GROUP;
            int e2 = e0 + c;
            if (e2 < dInner) {
                float acc = 0.0f;
                for (int p = 0; p < SSAM_SPLIT; p++) {
                    acc += parts[k * SSAM_GROUP * SSAM_SPLIT + c * SSAM_SPLIT + p];
                }
                int ut = (b * len + t0 + k) * dInner + e2;
                if (Dv != 0) {
                    acc = fmaf(Dv[e2], u[ut], acc);
                }
                out[ut] = z != 0 ? acc * ssam_silu(z[ut]) : acc;
            }
        }
    }
    if (active && lastState != 0) {
#pragma unroll
        for (int i = 0; i < NPT; i++) {
            lastState[(b * dInner + e) * NS + n0 + i] = h[i];
        }
    }
}
#endif

/*
 * Backward of sum(y * gout) for one (batch, channel): a forward pass stores the state at every
 * chunk start in ckpt ((B, chunks, N, E), E fastest), unless ckptReady says a scan_forward with
 * the same inputs already stored them there; then, chunk by chunk from the last, the
 * chunk's states are recomputed into private memory and walked backwards in time.
 * Per-channel results go straight out (du, dDelta, dz); sums over channels (dB, dC) are reduced
 * per token over the work-group in work-group memory and written per group to partBC
 * ((B, L, 2N, groups), groups fastest: dB then dC); sums over batch and time (dA, dD,
 * dDeltaBias) are summed over time here and written per (batch, channel) to partE
 * ((B, E, N + 2)). scan_reduce_bc and scan_reduce_e then add the partials in a fixed order.
 */
KERNEL void scan_backward(GLOBAL const float *u, GLOBAL const float *delta, GLOBAL const float *A,
                          GLOBAL const float *Bm, GLOBAL const float *Cm, GLOBAL const float *Dv,
                          GLOBAL const float *z, GLOBAL const float *deltaBias, GLOBAL const float *gout,
                          GLOBAL float *ckpt, GLOBAL float *du, GLOBAL float *dDelta, GLOBAL float *dz,
                          GLOBAL float *partBC, GLOBAL float *partE, int len, int dInner, int softplus,
                          int ckptReady) {
    LOCAL float red[RED_STRIDE * SSAM_GROUP];
    int e = GLOBAL_ID(0);
    int b = GLOBAL_ID(1);
    int lt = THREAD_ID(0);
    int group = BLOCK_ID(0);
    int groups = GRID_DIM(0);
    int active = e < dInner;
    int ec = active ? e : 0;
    int chunks = (len + SSAM_CHUNK - 1) / SSAM_CHUNK;
    float a[NS];
    float h[NS];
    float gh[NS];
    float gA[NS];
    float hs[SSAM_CHUNK * NS];
    float ds[SSAM_CHUNK];
    float ys[SSAM_CHUNK];
#pragma unroll
    for (int n = 0; n < NS; n++) {
        a[n] = A[ec * NS + n];
        h[n] = 0.0f;
        gh[n] = 0.0f;
        gA[n] = 0.0f;
    }
    float bias = deltaBias != 0 ? deltaBias[ec] : 0.0f;
    float dskip = Dv != 0 ? Dv[ec] : 0.0f;
    float gD = 0.0f;
    float gBias = 0.0f;

    /* 1. forward over every token, keeping the state at each chunk start */
    if (active && !ckptReady) {
        for (int t = 0; t < len; t++) {
            if (t % SSAM_CHUNK == 0) {
#pragma unroll
                for (int n = 0; n < NS; n++) {
                    ckpt[((b * chunks + t / SSAM_CHUNK) * NS + n) * dInner + e] = h[n];
                }
            }
            int ut = (b * len + t) * dInner + e;
            float d = scan_step(delta[ut], bias, softplus);
            float dU = d * u[ut];
#pragma unroll
            for (int n = 0; n < NS; n++) {
                h[n] = fmaf(exp2f(d * (a[n] * SSAM_LOG2E)), h[n], Bm[(b * len + t) * NS + n] * dU);
            }
        }
    }

    /* 2. chunks from the last to the first */
    for (int c = chunks - 1; c >= 0; c--) {
        int t0 = c * SSAM_CHUNK;
        int steps = len - t0 < SSAM_CHUNK ? len - t0 : SSAM_CHUNK;
        if (active) {
            /* recompute the chunk: hs[k] is the state after token t0 + k, ys[k] the output before the gate */
#pragma unroll
            for (int n = 0; n < NS; n++) {
                h[n] = ckpt[((b * chunks + c) * NS + n) * dInner + e];
            }
            for (int k = 0; k < steps; k++) {
                int t = t0 + k;
                int ut = (b * len + t) * dInner + e;
                float uu = u[ut];
                float d = scan_step(delta[ut], bias, softplus);
                float dU = d * uu;
                float acc = 0.0f;
#pragma unroll
                for (int n = 0; n < NS; n++) {
                    h[n] = fmaf(exp2f(d * (a[n] * SSAM_LOG2E)), h[n], Bm[(b * len + t) * NS + n] * dU);
                    hs[k * NS + n] = h[n];
                    acc = fmaf(Cm[(b * len + t) * NS + n], h[n], acc);
                }
                ds[k] = d;
                ys[k] = Dv != 0 ? fmaf(dskip, uu, acc) : acc;
            }
        }
        float hc[NS]; /* the state after token t0 + k: hs[k], carried down from the step before */
#pragma unroll
        for (int n = 0; n < NS; n++) {
            hc[n] = active ? hs[(steps - 1) * NS + n] : 0.0f;
        }
        for (int k = steps - 1; k >= 0; k--) {
            int t = t0 + k;
            int bt = (b * len + t) * NS;
            if (active) {
                int ut = (b * len + t) * dInner + e;
                float uu = u[ut];
                float d = ds[k];
                float go = gout[ut];
                /* through the gate: g = dL/dy_ssm, dz = gout y_ssm SiLU'(z) */
                float g = go;
                if (z != 0) {
                    float zz = z[ut];
                    g = go * ssam_silu(zz);
                    if (dz != 0) {
                        dz[ut] = go * ys[k] * ssam_silu_grad(zz);
                    }
                }
                float gradU = g * dskip;
                float gradD = 0.0f;
                gD = fmaf(g, uu, gD);
#pragma unroll
                for (int n = 0; n < NS; n++) {
                    float an = exp2f(d * (a[n] * SSAM_LOG2E));
                    float hPrev = k > 0 ? hs[(k - 1) * NS + n] : ckpt[((b * chunks + c) * NS + n) * dInner + e];
                    float bn = Bm[bt + n];
                    /* dL/dh[t]: from y[t] = sum C h[t], plus what flowed back from h[t+1] */
                    gh[n] = fmaf(g, Cm[bt + n], gh[n]);
                    red[lt * RED_STRIDE + NS + n] = g * hc[n];
                    hc[n] = hPrev;
                    /* h[t] = a h[t-1] + d B u, a = exp(d A) */
                    float dLda = gh[n] * hPrev;
                    gradD += dLda * an * a[n] + gh[n] * bn * uu;
                    gA[n] = fmaf(dLda * an, d, gA[n]);
                    red[lt * RED_STRIDE + n] = gh[n] * d * uu;
                    gradU = fmaf(gh[n] * d, bn, gradU);
                    gh[n] *= an;
                }
                /* through the softplus and the bias add */
                float gradS = softplus ? gradD * ssam_softplus_grad(delta[ut] + bias) : gradD;
                gBias += gradS;
                if (du != 0) {
                    du[ut] = gradU;
                }
                if (dDelta != 0) {
                    dDelta[ut] = gradS;
                }
            } else {
                for (int n = 0; n < 2 * NS; n++) {
                    red[lt * RED_STRIDE + n] = 0.0f;
                }
            }
            BARRIER();
            /* dB, dC of token t: this group's channels in order */
            for (int j = lt; j < 2 * NS; j += SSAM_GROUP) {
                float s = 0.0f;
                for (int ch = 0; ch < SSAM_GROUP; ch++) {
                    s += red[ch * RED_STRIDE + j];
                }
                partBC[((b * len + t) * 2 * NS + j) * groups + group] = s;
            }
            BARRIER();
        }
    }
    if (active) {
        int pe = (b * dInner + e) * (NS + 2);
#pragma unroll
        for (int n = 0; n < NS; n++) {
            partE[pe + n] = gA[n];
        }
        partE[pe + NS] = gD;
        partE[pe + NS + 1] = gBias;
    }
}

/* dB[b,t,n], dC[b,t,n] = sum over groups of partBC, groups in order; either may be NULL. Grid (B*L*N). */
KERNEL void scan_reduce_bc(GLOBAL const float *partBC, GLOBAL float *dB, GLOBAL float *dC, int batchLen,
                           int groups) {
    int i = GLOBAL_ID(0);
    if (i < batchLen * NS) {
        int bt = i / NS;
        int n = i % NS;
        float sb = 0.0f;
        float sc = 0.0f;
        for (int g = 0; g < groups; g++) {
            sb += partBC[(bt * 2 * NS + n) * groups + g];
            sc += partBC[(bt * 2 * NS + NS + n) * groups + g];
        }
        if (dB != 0) {
            dB[i] = sb;
        }
        if (dC != 0) {
            dC[i] = sc;
        }
    }
}

/*
 * dA[e,n] = sum_b partE[b,e,n]; dD[e] = sum_b partE[b,e,N]; dDeltaBias[e] = sum_b partE[b,e,N+1];
 * batches in order; each output may be NULL. Grid (E * (N + 2)).
 */
KERNEL void scan_reduce_e(GLOBAL const float *partE, GLOBAL float *dA, GLOBAL float *dD, GLOBAL float *dDeltaBias,
                          int batch, int dInner) {
    int i = GLOBAL_ID(0);
    if (i < dInner * (NS + 2)) {
        int e = i / (NS + 2);
        int j = i % (NS + 2);
        float s = 0.0f;
        for (int b = 0; b < batch; b++) {
            s += partE[(b * dInner + e) * (NS + 2) + j];
        }
        if (j < NS) {
            if (dA != 0) {
                dA[e * NS + j] = s;
            }
        } else if (j == NS) {
            if (dD != 0) {
                dD[e] = s;
            }
        } else if (dDeltaBias != 0) {
            dDeltaBias[e] = s;
        }
    }
}
