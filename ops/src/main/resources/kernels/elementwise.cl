/*
 * Elementwise ops (dev.ssam.ops.elementwise.Elementwise). One work-item per element; no fused
 * multiply-add (portable.h rule 8), so results equal the Java reference bit for bit.
 */

/* out = op == 0 ? x + y : x * y; all (n). */
KERNEL void ew_binary(GLOBAL const float *x, GLOBAL const float *y, GLOBAL float *out, int op, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        out[i] = op == 0 ? x[i] + y[i] : x[i] * y[i];
    }
}

/* out = alpha x; (n). */
KERNEL void ew_scale(GLOBAL const float *x, GLOBAL float *out, float alpha, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        out[i] = alpha * x[i];
    }
}

/* y = y + alpha x, two roundings; (n). */
KERNEL void ew_axpy(GLOBAL const float *x, GLOBAL float *y, float alpha, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        y[i] = y[i] + alpha * x[i];
    }
}

/* out = value; (n). */
KERNEL void ew_fill(GLOBAL float *out, float value, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        out[i] = value;
    }
}

/* out[m, i] = x[m, i] + v[i]; x, out: (rows, width), v: (width). One work-item per element (rows * width). */
KERNEL void ew_add_row(GLOBAL const float *x, GLOBAL const float *v, GLOBAL float *out, int rows, int width) {
    int k = GLOBAL_ID(0);
    if (k < rows * width) {
        out[k] = x[k] + v[k % width];
    }
}

/*
 * dst[m, dstCol + i] = src[m, srcCol + i] for i < width: src (rows, srcWidth), dst (rows, dstWidth);
 * the other columns of dst are not written. One work-item per copied element (rows * width), so a
 * narrow block of columns leaves no work-item idle.
 */
KERNEL void ew_columns(GLOBAL const float *src, GLOBAL float *dst, int rows, int srcWidth, int srcCol,
                       int dstWidth, int dstCol, int width) {
    int k = GLOBAL_ID(0);
    if (k < rows * width) {
        int m = k / width;
        int i = k - m * width;
        dst[m * dstWidth + dstCol + i] = src[m * srcWidth + srcCol + i];
    }
}

/* out = -exp(x). */
KERNEL void ew_neg_exp(GLOBAL const float *x, GLOBAL float *out, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        out[i] = -expf(x[i]);
    }
}
