/* Gathers and scatters of the token plumbing (dev.ssam.ops.gather.Gather). */

/*
 * out[b, t gF + f, i pb + j] = x[b, t pf + i, f pb + j]: x (B, T, F), out (B, P, pf pb), P = np.
 * One work-item per output element.
 */
KERNEL void gather_patchify(GLOBAL const float *x, GLOBAL float *out, int total, int frames, int bins, int gridBins,
                            int np, int pf, int pb) {
    int idx = GLOBAL_ID(0);
    if (idx < total) {
        int q = pf * pb;
        int v = idx % q;
        int rest = idx / q;
        int token = rest % np;
        int b = rest / np;
        int i = v / pb;
        int j = v % pb;
        int t = token / gridBins;
        int f = token % gridBins;
        out[idx] = x[(b * frames + t * pf + i) * bins + f * pb + j];
    }
}

/*
 * frames[b, t, f D + j] = tokens[b, skip + f gT + t, j]: tokens (B, rows, D), rows = skip + gF gT;
 * frames (B, gT, gF D). One work-item per element of frames.
 */
KERNEL void gather_frames(GLOBAL const float *tokens, GLOBAL float *frames, int total, int rows, int skip,
                          int gridFrames, int gridBins, int d) {
    int idx = GLOBAL_ID(0);
    if (idx < total) {
        int j = idx % d;
        int rest = idx / d;
        int f = rest % gridBins;
        rest /= gridBins;
        int t = rest % gridFrames;
        int b = rest / gridFrames;
        frames[idx] = tokens[(b * rows + skip + f * gridFrames + t) * d + j];
    }
}

/*
 * seq[b, 0] = cls + pos[0]; seq[b, 1 + k] = mask[b, k] != 0 ? mtok : tok[b, k] + pos[1 + k].
 * seq (B, P + 1, D), tok (B, P, D), pos (P + 1, D), mask (B, P) or NULL. One work-item per element of seq.
 */
KERNEL void gather_tokens(GLOBAL const float *tok, GLOBAL const float *pos, GLOBAL const float *cls,
                          GLOBAL const float *mtok, GLOBAL const float *mask, GLOBAL float *seq, int batch,
                          int patches, int d) {
    int idx = GLOBAL_ID(0);
    int len = patches + 1;
    if (idx < batch * len * d) {
        int j = idx % d;
        int t = (idx / d) % len;
        int b = idx / (d * len);
        float v;
        if (t == 0) {
            v = cls[j] + pos[j];
        } else if (mask != 0 && mask[b * patches + t - 1] != 0.0f) {
            v = mtok[j];
        } else {
            v = tok[(b * patches + t - 1) * d + j] + pos[t * d + j];
        }
        seq[idx] = v;
    }
}

/* gtok[b, k] = mask[b, k] != 0 ? 0 : gseq[b, 1 + k]. One work-item per element of gtok (B, P, D). */
KERNEL void scatter_tokens(GLOBAL const float *gseq, GLOBAL const float *mask, GLOBAL float *gtok, int batch,
                           int patches, int d) {
    int idx = GLOBAL_ID(0);
    if (idx < batch * patches * d) {
        int j = idx % d;
        int bk = idx / d;
        int b = bk / patches;
        int k = bk % patches;
        int masked = mask != 0 && mask[bk] != 0.0f;
        gtok[idx] = masked ? 0.0f : gseq[(b * (patches + 1) + 1 + k) * d + j];
    }
}

/*
 * gcls[j] = sum_b gseq[b, 0, j]; gmtok[j] = sum over masked (b, k), b then k ascending, of
 * gseq[b, 1 + k, j]; Kahan-compensated float sums in two passes. scatter_token_sums_partial: one
 * work-item per (column j, clip b), grid (d, batch), part[b, j] = clip b's masked sum;
 * scatter_token_sums: one work-item per column adding the clips in order.
 */
KERNEL void scatter_token_sums_partial(GLOBAL const float *gseq, GLOBAL const float *mask, GLOBAL float *part,
                                       int batch, int patches, int d) {
    int j = GLOBAL_ID(0);
    int b = GLOBAL_ID(1);
    if (j < d && b < batch) {
        int row0 = b * (patches + 1) * d;
        float ms = 0.0f;
        float mc = 0.0f;
        if (mask != 0) {
            for (int k = 0; k < patches; k++) {
                if (mask[b * patches + k] != 0.0f) {
                    float ym = gseq[row0 + (1 + k) * d + j] - mc;
                    float tm = ms + ym;
                    mc = (tm - ms) - ym;
                    ms = tm;
                }
            }
        }
        part[b * d + j] = ms;
    }
}

KERNEL void scatter_token_sums(GLOBAL const float *gseq, GLOBAL const float *part, GLOBAL float *gcls,
                               GLOBAL float *gmtok, int batch, int patches, int d) {
    int j = GLOBAL_ID(0);
    if (j < d) {
        float cs = 0.0f;
        float cc = 0.0f;
        float ms = 0.0f;
        float mc = 0.0f;
        for (int b = 0; b < batch; b++) {
            float y = gseq[b * (patches + 1) * d + j] - cc;
            float t = cs + y;
            cc = (t - cs) - y;
            cs = t;
            float ym = part[b * d + j] - mc;
            float tm = ms + ym;
            mc = (tm - ms) - ym;
            ms = tm;
        }
        gcls[j] = cs;
        gmtok[j] = ms;
    }
}
