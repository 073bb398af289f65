/*
 * Depthwise causal conv1d with optional fused SiLU, forward and backward
 * (dev.ssam.ops.conv.CausalConv1d). Layout token-major: x, out, gout, gx (B, L, E), E fastest;
 * w (E, K); bias (E) or NULL. Sums run in the Java reference's order without contraction, so
 * only the SiLU's expf can differ from it.
 */

/* pre[b,t,c] = bias[c] + sum_j w[c,j] x[b, t-(K-1)+j, c], zero before time 0. */
DEVICE float conv_pre(GLOBAL const float *x, GLOBAL const float *w, GLOBAL const float *bias, int b, int t, int c,
                      int len, int channels, int taps) {
    float acc = bias != 0 ? bias[c] : 0.0f;
    for (int j = 0; j < taps; j++) {
        int s = t - (taps - 1) + j;
        if (s >= 0) {
            acc += w[c * taps + j] * x[(b * len + s) * channels + c];
        }
    }
    return acc;
}

/* out = [SiLU](pre); one work-item per output element (B*L*E). */
KERNEL void conv_forward(GLOBAL const float *x, GLOBAL const float *w, GLOBAL const float *bias, GLOBAL float *out,
                         int batch, int len, int channels, int taps, int silu) {
    int i = GLOBAL_ID(0);
    if (i < batch * len * channels) {
        int c = i % channels;
        int t = (i / channels) % len;
        int b = i / (channels * len);
        float pre = conv_pre(x, w, bias, b, t, c, len, channels, taps);
        out[i] = silu ? ssam_silu(pre) : pre;
    }
}

/* g = dLoss/dpre = gout * SiLU'(pre) (pre recomputed), or gout without the SiLU; (B*L*E). */
KERNEL void conv_grad_pre(GLOBAL const float *x, GLOBAL const float *w, GLOBAL const float *bias,
                          GLOBAL const float *gout, GLOBAL float *g, int batch, int len, int channels, int taps,
                          int silu) {
    int i = GLOBAL_ID(0);
    if (i < batch * len * channels) {
        int c = i % channels;
        int t = (i / channels) % len;
        int b = i / (channels * len);
        g[i] = silu ? gout[i] * ssam_silu_grad(conv_pre(x, w, bias, b, t, c, len, channels, taps)) : gout[i];
    }
}

/* gx[b,s,c] = sum_j w[c,j] g[b, s+(K-1)-j, c] over the outputs s feeds; (B*L*E). */
KERNEL void conv_grad_x(GLOBAL const float *w, GLOBAL const float *g, GLOBAL float *gx, int batch, int len,
                        int channels, int taps) {
    int i = GLOBAL_ID(0);
    if (i < batch * len * channels) {
        int c = i % channels;
        int s = (i / channels) % len;
        int b = i / (channels * len);
        float acc = 0.0f;
        for (int j = 0; j < taps; j++) {
            int t = s + (taps - 1) - j;
            if (t < len) {
                acc += w[c * taps + j] * g[(b * len + t) * channels + c];
            }
        }
        gx[i] = acc;
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
