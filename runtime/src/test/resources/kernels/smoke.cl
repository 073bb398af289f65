/* Kernels for ClContextTest: a map with an optional input, a header helper, and a group reduction. */

KERNEL void smoke_axpb(GLOBAL const float *x, GLOBAL const float *bias, GLOBAL float *y, float a, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        y[i] = a * x[i] + (bias != 0 ? bias[i] : 0.0f);
    }
}

KERNEL void smoke_silu(GLOBAL const float *x, GLOBAL float *y, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        y[i] = ssam_silu(x[i]);
    }
}

/* out[g] = sum of the 64 inputs of group g (tree order). */
KERNEL void smoke_group_sum(GLOBAL const float *x, GLOBAL float *out, int n) {
    LOCAL float part[64];
    int t = THREAD_ID(0);
    int i = GLOBAL_ID(0);
    part[t] = i < n ? x[i] : 0.0f;
    BARRIER();
    for (int s = 32; s > 0; s >>= 1) {
        if (t < s) {
            part[t] += part[t + s];
        }
        BARRIER();
    }
    if (t == 0) {
        out[BLOCK_ID(0)] = part[0];
    }
}
