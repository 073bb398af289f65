/*
 * Depthwise causal conv1d with optional fused SiLU, forward and backward
 * (dev.ssam.ops.conv.CausalConv1d). Layout token-major: x, out, gout, gx (B, L, E), E fastest;
 * w (E, K); bias (E) or NULL. Sums run in the Java reference's order without contraction, so
 * only the SiLU's expf can differ from it.
 *
 * Compile-time parameters:
 *   CONV_TAPS    K, the kernel width: a work-item keeps the K weights and inputs in registers
 *   CONV_TOKENS  consecutive tokens of one channel per work-item of conv_tile and conv_grad_x
 */

#if !defined(CONV_TAPS) || !defined(CONV_TOKENS)
#error "conv.cl needs -DCONV_TAPS=<K> -DCONV_TOKENS=<tokens per work-item>"
#endif

/*
 * One work-item per (batch, tile of CONV_TOKENS tokens, channel), channel fastest; grid 1-D over
 * B * ceil(L / CONV_TOKENS) * E. Sets *b, *t0, *c and returns whether the work-item has a tile.
 */
DEVICE int conv_tile_of(int id, int batch, int len, int channels, int *b, int *t0, int *c) {
    int tiles = (len + CONV_TOKENS - 1) / CONV_TOKENS;
    int row = id / channels;
    *c = id - row * channels;
    *b = row / tiles;
    *t0 = (row - *b * tiles) * CONV_TOKENS;
    return *b < batch;
}

/*
 * pre[b,t,c] = bias[c] + sum_j w[c,j] x[b, t-(K-1)+j, c] (zero before time 0) over a tile, the K
 * inputs a token needs held in registers and slid along the tile (each x read once, plus K - 1).
 * gout NULL: out = [SiLU](pre), the forward. Otherwise out = dLoss/dpre = gout SiLU'(pre), or gout
 * without the SiLU (the backward's first step). All (B, L, E).
 */
KERNEL void conv_tile(GLOBAL const float *x, GLOBAL const float *w, GLOBAL const float *bias,
                      GLOBAL const float *gout, GLOBAL float *out, int batch, int len, int channels, int silu) {
    int b;
    int t0;
    int c;
    if (conv_tile_of(GLOBAL_ID(0), batch, len, channels, &b, &t0, &c)) {
        float wc[CONV_TAPS];
        float win[CONV_TAPS];
#pragma unroll
        for (int j = 0; j < CONV_TAPS; j++) {
            wc[j] = w[c * CONV_TAPS + j];
            int s = t0 - (CONV_TAPS - 1) + j;
            win[j] = j < CONV_TAPS - 1 && s >= 0 ? x[(b * len + s) * channels + c] : 0.0f;
        }
        float b0 = bias != 0 ? bias[c] : 0.0f;
        int end = t0 + CONV_TOKENS < len ? t0 + CONV_TOKENS : len;
        for (int t = t0; t < end; t++) {
            int i = (b * len + t) * channels + c;
            win[CONV_TAPS - 1] = x[i];
            float acc = b0;
#pragma unroll
            for (int j = 0; j < CONV_TAPS; j++) {
                if (t - (CONV_TAPS - 1) + j >= 0) {
                    acc += wc[j] * win[j];
                }
            }
            if (gout == 0) {
                out[i] = silu ? ssam_silu(acc) : acc;
            } else {
                out[i] = silu ? gout[i] * ssam_silu_grad(acc) : gout[i];
            }
#pragma unroll
            for (int j = 0; j < CONV_TAPS - 1; j++) {
                win[j] = win[j + 1];
            }
        }
    }
}

/*
 * gx[b,s,c] = sum_j w[c,j] g[b, s+(K-1)-j, c] over the outputs s feeds (t < L), a tile per work-item
 * as conv_tile, its K values of g slid along the tile; (B, L, E).
 */
KERNEL void conv_grad_x(GLOBAL const float *w, GLOBAL const float *g, GLOBAL float *gx, int batch, int len,
                        int channels) {
    int b;
    int t0;
    int c;
    if (conv_tile_of(GLOBAL_ID(0), batch, len, channels, &b, &t0, &c)) {
        float wc[CONV_TAPS];
        float win[CONV_TAPS]; /* win[j] = g at time s + (K-1) - j */
#pragma unroll
        for (int j = 0; j < CONV_TAPS; j++) {
            wc[j] = w[c * CONV_TAPS + j];
            int t = t0 + (CONV_TAPS - 1) - j;
            win[j] = j > 0 && t < len ? g[(b * len + t) * channels + c] : 0.0f;
        }
        int end = t0 + CONV_TOKENS < len ? t0 + CONV_TOKENS : len;
        for (int s = t0; s < end; s++) {
            int ahead = s + (CONV_TAPS - 1);
            win[0] = ahead < len ? g[(b * len + ahead) * channels + c] : 0.0f;
            float acc = 0.0f;
#pragma unroll
            for (int j = 0; j < CONV_TAPS; j++) {
                if (s + (CONV_TAPS - 1) - j < len) {
                    acc += wc[j] * win[j];
                }
            }
            gx[(b * len + s) * channels + c] = acc;
#pragma unroll
            for (int j = CONV_TAPS - 1; j > 0; j--) {
                win[j] = win[j - 1];
            }
        }
    }
}

/*
 * Parameter gradients in two passes, deterministic: the B*L tokens (b, t), flattened b * L + t,
 * are cut into blocks of rowsPerBlock; conv_grad_params_partial sums each block per (c, j) and
 * conv_grad_params_reduce adds the blocks in order. Entry id = j * E + c of a block: j < K holds
 * sum g[b,t,c] x[b, t-(K-1)+j, c] (terms before time 0 are absent), j = K holds sum g[b,t,c].
 * part is (blocks, (K+1) * E). Grid of the partial pass: ((K+1) * E, blocks).
 */
KERNEL void conv_grad_params_partial(GLOBAL const float *x, GLOBAL const float *g, GLOBAL float *part, int batch,
                                     int len, int channels, int taps, int rowsPerBlock) {
    int id = GLOBAL_ID(0);
    int block = GLOBAL_ID(1);
    int entries = (taps + 1) * channels;
    if (id < entries) {
        int c = id % channels;
        int j = id / channels;
        int first = block * rowsPerBlock;
        int end = first + rowsPerBlock < batch * len ? first + rowsPerBlock : batch * len;
        float acc = 0.0f;
        for (int r = first; r < end; r++) {
            float gv = g[r * channels + c];
            if (j == taps) {
                acc += gv;
            } else {
                int s = r % len - (taps - 1) + j;
                if (s >= 0) {
                    acc += gv * x[(r - (taps - 1) + j) * channels + c];
                }
            }
        }
        part[block * entries + id] = acc;
    }
}

/* gw[c,j] and gbias[c] = the blocks of part added in order; gw or gbias may be NULL. Grid ((K+1) * E). */
KERNEL void conv_grad_params_reduce(GLOBAL const float *part, GLOBAL float *gw, GLOBAL float *gbias, int channels,
                                    int taps, int blocks) {
    int id = GLOBAL_ID(0);
    int entries = (taps + 1) * channels;
    if (id < entries) {
        int c = id % channels;
        int j = id / channels;
        float acc = 0.0f;
        for (int k = 0; k < blocks; k++) {
            acc += part[k * entries + id];
        }
        if (j < taps) {
            if (gw != 0) {
                gw[c * taps + j] = acc;
            }
        } else if (gbias != 0) {
            gbias[c] = acc;
        }
    }
}
