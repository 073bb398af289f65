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
 * direct, compensated sum over the N_FFT samples, twiddles indexed by k n mod N_FFT); work-item
 * m < NMEL the mel band and its log.
 */
KERNEL void logmel_frames(GLOBAL const float *seg, GLOBAL const float *realFrames, GLOBAL const float *hann,
                          GLOBAL const float *twiddle, GLOBAL const float *fb, GLOBAL float *out, int rows,
                          int framesPerWindow, int segLen, float logOffset) {
    LOCAL float xs[NFFT];
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
    if (real && lt < NFREQ) {
        float re = 0.0f;
        float reErr = 0.0f;
        float im = 0.0f;
        float imErr = 0.0f;
        int j = 0;
        for (int n = 0; n < NFFT; n++) {
            logmel_dot2(xs[n], tc[TW_PAD(j)], &re, &reErr);
            logmel_dot2(xs[n], tsn[TW_PAD(j)], &im, &imErr);
            j += lt;
            if (j >= NFFT) {
                j -= NFFT;
            }
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
