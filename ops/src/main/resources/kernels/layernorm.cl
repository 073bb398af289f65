/*
 * LayerNorm over the last dimension, forward and backward (dev.ssam.ops.norm.LayerNorm).
 * x, out, gout, gx: (M, D), D fastest; gamma, beta, ggamma, gbeta: (D); mean, rstd: (M).
 * Row statistics: LN_LANES work-items per row, LN_GROUP_ROWS rows per work-group; each work-item
 * sums a strided part of its row in float, then a tree reduction over the row's lanes in
 * work-group memory (fixed order: deterministic). Grid (ceil(M / LN_GROUP_ROWS) * LN_GROUP).
 * ggamma, gbeta: partial sums over blocks of LN_ROWS rows, then the blocks in order.
 *
 * Compile-time parameters: LN_LANES (a power of two) and LN_GROUP_ROWS.
 */
#if !defined(LN_LANES) || !defined(LN_GROUP_ROWS)
#error "layernorm.cl needs -DLN_LANES=<work-items per row> -DLN_GROUP_ROWS=<rows per work-group>"
#endif
#define LN_GROUP (LN_LANES * LN_GROUP_ROWS)
#define LN_ROWS 32

/*
 * Sum of the LN_LANES values part[lt - lane ..] of work-item lt's row, returned to every lane of
 * the row; every work-item of the group must call it.
 */
DEVICE float ln_row_sum(LOCAL_PTR float *part, int lt, int lane, float v) {
    BARRIER();
    part[lt] = v;
    for (int s = LN_LANES / 2; s > 0; s >>= 1) {
        BARRIER();
        if (lane < s) {
            part[lt] += part[lt + s];
        }
    }
    BARRIER();
    return part[lt - lane];
}

/* out = (x rstd - mean rstd) gamma + beta in torch's order; mean, rstd written when not NULL. */
KERNEL void ln_forward(GLOBAL const float *x, GLOBAL const float *gamma, GLOBAL const float *beta,
                       GLOBAL float *out, GLOBAL float *mean, GLOBAL float *rstd, int rows, int width, float eps) {
    LOCAL float part[LN_GROUP];
    int lt = THREAD_ID(0);
    int lane = lt % LN_LANES;
    int row = BLOCK_ID(0) * LN_GROUP_ROWS + lt / LN_LANES;
    int valid = row < rows;
    GLOBAL const float *xr = x + (valid ? row : 0) * width;
    float s = 0.0f;
    for (int i = lane; valid && i < width; i += LN_LANES) {
        s += xr[i];
    }
    float mu = ln_row_sum(part, lt, lane, s) / (float) width;
    float sq = 0.0f;
    for (int i = lane; valid && i < width; i += LN_LANES) {
        float c = xr[i] - mu;
        sq += c * c;
    }
    float var = ln_row_sum(part, lt, lane, sq) / (float) width;
    /*
     * rstd = 1/sqrt(v) as r + e: one Newton step on the float estimate r with r^2 split exactly by
     * fmaf, so scale = round(1/sqrt(v)) and shift = round(-mean / sqrt(v)) round as the reference's
     * double products do; the output (x scale + shift) cancels when x is close to the mean, where a
     * plain float shift would leave an error of about ulp(x rstd).
     */
    float v = var + eps;
    float r = 1.0f / sqrtf(v);
    float rr = r * r;
    float rrLo = fmaf(r, r, -rr);
    float e = 0.5f * r * (fmaf(-rr, v, 1.0f) - rrLo * v);
    float scale = r + e;
    float shift = -fmaf(mu, r, mu * e);
    if (valid) {
        for (int i = lane; i < width; i += LN_LANES) {
            out[row * width + i] = (xr[i] * scale + shift) * gamma[i] + beta[i];
        }
        if (lane == 0) {
            if (mean != 0) {
                mean[row] = mu;
            }
            if (rstd != 0) {
                rstd[row] = scale;
            }
        }
    }
}

/* gx = rstd (gh - mean_d(gh) - xhat mean_d(gh xhat)), gh = gout gamma, xhat = (x - mean) rstd. */
KERNEL void ln_backward_x(GLOBAL const float *x, GLOBAL const float *gamma, GLOBAL const float *mean,
                          GLOBAL const float *rstd, GLOBAL const float *gout, GLOBAL float *gx, int rows, int width) {
    LOCAL float part[LN_GROUP];
    int lt = THREAD_ID(0);
    int lane = lt % LN_LANES;
    int row = BLOCK_ID(0) * LN_GROUP_ROWS + lt / LN_LANES;
    int valid = row < rows;
    int rc = valid ? row : 0;
    float mu = mean[rc];
    float r = rstd[rc];
    int base = rc * width;
    float a = 0.0f;
    float b = 0.0f;
    for (int i = lane; valid && i < width; i += LN_LANES) {
        float xhat = (x[base + i] - mu) * r;
        float gh = gout[base + i] * gamma[i];
        a += gh;
        b += gh * xhat;
    }
    float ma = ln_row_sum(part, lt, lane, a) / (float) width;
    float mb = ln_row_sum(part, lt, lane, b) / (float) width;
    for (int i = lane; valid && i < width; i += LN_LANES) {
        float xhat = (x[base + i] - mu) * r;
        float gh = gout[base + i] * gamma[i];
        gx[base + i] = r * (gh - ma - xhat * mb);
    }
}

/*
 * Per block k of LN_ROWS rows and column d: pg[k, d] = sum gout xhat, pb[k, d] = sum gout, rows in
 * order. Grid (D, blocks).
 */
KERNEL void ln_backward_partials(GLOBAL const float *x, GLOBAL const float *mean, GLOBAL const float *rstd,
                                 GLOBAL const float *gout, GLOBAL float *pg, GLOBAL float *pb, int rows,
                                 int width) {
    int d = GLOBAL_ID(0);
    int k = GLOBAL_ID(1);
    int blocks = (rows + LN_ROWS - 1) / LN_ROWS;
    if (d < width && k < blocks) {
        float sg = 0.0f;
        float sb = 0.0f;
        int end = (k + 1) * LN_ROWS < rows ? (k + 1) * LN_ROWS : rows;
        for (int m = k * LN_ROWS; m < end; m++) {
            float go = gout[m * width + d];
            sg += go * ((x[m * width + d] - mean[m]) * rstd[m]);
            sb += go;
        }
        pg[k * width + d] = sg;
        pb[k * width + d] = sb;
    }
}

/* ggamma[d] = sum_k pg[k, d], gbeta[d] = sum_k pb[k, d], blocks in order; either may be NULL. Grid (D). */
KERNEL void ln_backward_params(GLOBAL const float *pg, GLOBAL const float *pb, GLOBAL float *ggamma,
                               GLOBAL float *gbeta, int blocks, int width) {
    int d = GLOBAL_ID(0);
    if (d < width) {
        float sg = 0.0f;
        float sb = 0.0f;
        for (int k = 0; k < blocks; k++) {
            sg += pg[k * width + d];
            sb += pb[k * width + d];
        }
        if (ggamma != 0) {
            ggamma[d] = sg;
        }
        if (gbeta != 0) {
            gbeta[d] = sb;
        }
    }
}
