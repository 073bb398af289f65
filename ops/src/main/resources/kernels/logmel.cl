/*
 * The log-mel front end on a device, straight into the model's windows
 * (dev.ssam.ops.melspec.LogMel.windows). Layouts, row-major:
 *   seg        (W, segLen)   the reflect-padded samples window w needs: frame f of the window starts
 *                            at seg[w, f HOP]; segLen = (T - 1) HOP + N_FFT
 *   realFrames (W)           how many of the window's T frames hold audio (the rest are zero padding)
 *   hann       (N_FFT)       torch's periodic Hann window
 *   twiddle    (2, N_FFT)    cos(2 pi j / N_FFT), then sin(2 pi j / N_FFT)
 *   fb         (N_FREQS, N_MELS) the mel filterbank
 *   out        (W, T, N_MELS) log(mel + logOffset) of each frame, 0 for padding frames
 *   clipRow0, clipRows (C)   per clip: its first row of out viewed as (W T, N_MELS), and its real
 *                            frames (contiguous rows); whole numbers held in floats
 */
#define NFFT 400
#define HOPLEN 160
#define NFREQ 201
#define NMEL 80
#define FRAME_GROUP 256
#define NORM_GROUP 256

/*
 * One step of a compensated dot product (Ogita, Rump and Oishi's Dot2): adds a b to the sum *s,
 * collecting the rounding errors of the product (exact through fmaf) and of the sum in *err, so
 * *s + *err is about as accurate as a sum in twice the precision. A DFT bin of a quiet band is a
 * small difference of large terms; plain float sums lose its low digits.
 */
DEVICE void logmel_dot2(float a, float b, float *s, float *err) {
    float p = a * b;
    float pe = fmaf(a, b, -p);
    float t = *s + p;
    float z = t - *s;
    float se = (*s - (t - z)) + (p - z);
    *s = t;
    *err += pe + se;
}

/* Knuth's TwoSum: *s + *e == a + b exactly, *s the rounded sum. */
DEVICE void logmel_two_sum(float a, float b, float *s, float *e) {
    float t = a + b;
    float bb = t - a;
    *e = (a - (t - bb)) + (b - bb);
    *s = t;
}

/*
 * Twiddle tables in work-group memory are padded by one float every 32 (TW_PAD), so the gather
 * tw[k n mod N_FFT] of a warp's 32 bins meets about 2.3 lanes per bank on average instead of 3.2
 * (and a global-memory gather would touch about 11 cache lines per load).
 */
#define TW_PAD(i) ((i) + ((i) >> 5))
#define TW_LEN (NFFT + NFFT / 32 + 1)

/*
 * One work-group of FRAME_GROUP per frame row (w T + f), grid (W T FRAME_GROUP): the windowed frame
 * and the twiddle tables in work-group memory; work-item k < NFREQ its DFT bin's power |X_k|^2 (a
 * direct, compensated sum, twiddles indexed by k n mod N_FFT); work-item m < NMEL the mel band and
 * its log. The frame is real, so samples n and N_FFT - n share their twiddles (cos equal, sin
 * opposite): with e_n = x_n + x_{N-n} and o_n = x_n - x_{N-n} (n = 1 .. N/2 - 1),
 *   Re X_k = x_0 + (-1)^k x_{N/2} + sum_n e_n cos(2 pi k n / N),   Im X_k = -sum_n o_n sin(2 pi k n / N),
 * half the terms of the plain sum. e_n and o_n are kept exactly, as a float and its rounding error
 * (TwoSum); the main parts go through the compensated sum and the tiny error parts' products are
 * added to its error term, so the sum stays about as accurate as the plain compensated one.
 */
KERNEL void logmel_frames(GLOBAL const float *seg, GLOBAL const float *realFrames, GLOBAL const float *hann,
                          GLOBAL const float *twiddle, GLOBAL const float *fb, GLOBAL float *out, int rows,
                          int framesPerWindow, int segLen, float logOffset) {
    LOCAL float xs[NFFT];
    /* per n: e_n and its error, o_n and its error (16-byte aligned: read as one 128-bit load on CUDA) */
    LOCAL_ALIGN16 float fold[4 * (NFFT / 2)];
    LOCAL float pw[NFREQ];
    LOCAL float tc[TW_LEN];
    LOCAL float tsn[TW_LEN];
    int lt = THREAD_ID(0);
    int row = BLOCK_ID(0);
    int w = row / framesPerWindow;
    int f = row - w * framesPerWindow;
    int real = row < rows && f < (int) realFrames[row < rows ? w : 0];
    for (int n = lt; n < NFFT; n += FRAME_GROUP) {
        tc[TW_PAD(n)] = twiddle[n];
        tsn[TW_PAD(n)] = twiddle[NFFT + n];
        if (real) {
            xs[n] = seg[w * segLen + f * HOPLEN + n] * hann[n];
        }
    }
    BARRIER();
    if (real && lt > 0 && lt < NFFT / 2) {
        float a = xs[lt];
        float b = xs[NFFT - lt];
        float hi;
        float lo;
        logmel_two_sum(a, b, &hi, &lo);
        fold[4 * lt] = hi;
        fold[4 * lt + 1] = lo;
        logmel_two_sum(a, -b, &hi, &lo);
        fold[4 * lt + 2] = hi;
        fold[4 * lt + 3] = lo;
    }
    BARRIER();
    if (real && lt < NFREQ) {
        float re = 0.0f;
        float reErr = 0.0f;
        float im = 0.0f;
        float imErr = 0.0f;
        logmel_dot2(xs[0], 1.0f, &re, &reErr);
        logmel_dot2(xs[NFFT / 2], (lt & 1) != 0 ? -1.0f : 1.0f, &re, &reErr);
        int j = 0;
        for (int n = 1; n < NFFT / 2; n++) {
            j += lt;   /* k n mod N_FFT */
            if (j >= NFFT) {
                j -= NFFT;
            }
            float c = tc[TW_PAD(j)];
            float sn = tsn[TW_PAD(j)];
            logmel_dot2(fold[4 * n], c, &re, &reErr);
            reErr = fmaf(fold[4 * n + 1], c, reErr);
            logmel_dot2(fold[4 * n + 2], sn, &im, &imErr);
            imErr = fmaf(fold[4 * n + 3], sn, imErr);
        }
        re += reErr;
        im += imErr;
        pw[lt] = re * re + im * im;
    }
    BARRIER();
    if (row < rows && lt < NMEL) {
        float v = 0.0f;
        if (real) {
            float mel = 0.0f;
            for (int k = 0; k < NFREQ; k++) {
                mel = fmaf(pw[k], fb[k * NMEL + lt], mel);
            }
            v = logf(mel + logOffset);
        }
        out[row * NMEL + lt] = v;
    }
}

/* Sum of a work-group's partials in work-group memory (every work-item gets it). */
DEVICE float logmel_group_sum(LOCAL_PTR float *red, float v) {
    int lt = THREAD_ID(0);
    red[lt] = v;
    BARRIER();
    for (int span = NORM_GROUP / 2; span > 0; span /= 2) {
        if (lt < span) {
            red[lt] += red[lt + span];
        }
        BARRIER();
    }
    float s = red[0];
    BARRIER();
    return s;
}

/*
 * One work-group of NORM_GROUP per clip, grid (C NORM_GROUP): x = (x - mean) / (std + eps) over
 * the clip's rows x N_MELS values, std with n - 1 (unbiased != 0) or n; per-work-item sums are
 * Kahan-compensated, then added in a tree.
 */
KERNEL void logmel_normalize(GLOBAL float *out, GLOBAL const float *clipRow0, GLOBAL const float *clipRows, int clips,
                             int unbiased, float eps) {
    LOCAL float red[NORM_GROUP];
    int lt = THREAD_ID(0);
    int c = BLOCK_ID(0);
    int valid = c < clips;
    int first = valid ? (int) clipRow0[c] * NMEL : 0;
    int n = valid ? (int) clipRows[c] * NMEL : 0;
    float s = 0.0f;
    float comp = 0.0f;
    for (int i = lt; i < n; i += NORM_GROUP) {
        float y = out[first + i] - comp;
        float t = s + y;
        comp = (t - s) - y;
        s = t;
    }
    float mean = logmel_group_sum(red, s) / (float) (n > 0 ? n : 1);
    s = 0.0f;
    comp = 0.0f;
    for (int i = lt; i < n; i += NORM_GROUP) {
        float d = out[first + i] - mean;
        float y = d * d - comp;
        float t = s + y;
        comp = (t - s) - y;
        s = t;
    }
    float ss = logmel_group_sum(red, s);
    int dof = unbiased ? n - 1 : n;
    float denom = sqrtf(ss / (float) (dof > 0 ? dof : 1)) + eps;
    for (int i = lt; i < n; i += NORM_GROUP) {
        out[first + i] = (out[first + i] - mean) / denom;
    }
}
