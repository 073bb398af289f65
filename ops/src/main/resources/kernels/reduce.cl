/*
 * Reductions (dev.ssam.ops.reduce.Reduce) with Kahan-compensated float sums (near-double
 * accuracy without needing fp64 on the device; the compensation survives because nothing is
 * contracted or reassociated, portable.h rule 8), each in a fixed order.
 * x: (M, D), D fastest.
 */

/* out[d] = sum_m x[m, d] (divided by M when mean); rows in order. Grid (D). */
KERNEL void reduce_rows(GLOBAL const float *x, GLOBAL float *out, int rows, int width, int mean) {
    int d = GLOBAL_ID(0);
    if (d < width) {
        float s = 0.0f;
        float c = 0.0f;
        for (int m = 0; m < rows; m++) {
            float y = x[m * width + d] - c;
            float t = s + y;
            c = (t - s) - y;
            s = t;
        }
        out[d] = mean ? s / (float) rows : s;
    }
}

/* out[m] = sum_d x[m, d] (divided by D when mean); columns in order. Grid (M). */
KERNEL void reduce_columns(GLOBAL const float *x, GLOBAL float *out, int rows, int width, int mean) {
    int m = GLOBAL_ID(0);
    if (m < rows) {
        float s = 0.0f;
        float c = 0.0f;
        for (int d = 0; d < width; d++) {
            float y = x[m * width + d] - c;
            float t = s + y;
            c = (t - s) - y;
            s = t;
        }
        out[m] = mean ? s / (float) width : s;
    }
}

/* partial[k] = sum of x_i^2 over block k = [k block, (k + 1) block) of the n elements. Grid (blocks). */
KERNEL void reduce_sum_squares(GLOBAL const float *x, GLOBAL float *partial, int n, int block) {
    int k = GLOBAL_ID(0);
    if (k * block < n) {
        int end = n - k * block < block ? n : (k + 1) * block;
        float s = 0.0f;
        float c = 0.0f;
        for (int i = k * block; i < end; i++) {
            float y = x[i] * x[i] - c;
            float t = s + y;
            c = (t - s) - y;
            s = t;
        }
        partial[k] = s;
    }
}
