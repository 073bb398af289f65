/* Test kernels for CuContextTest: y[i] = a * x[i] + y[i], a 2-d index check, and a kernel that takes its time. */
KERNEL void ssam_test_axpy(GLOBAL float *y, GLOBAL const float *x, float a, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        y[i] = fmaf(a, x == 0 ? 1.0f : x[i], y[i]);
    }
}

KERNEL void ssam_test_index2d(GLOBAL float *out, int cols, int rows) {
    int c = GLOBAL_ID(0);
    int r = GLOBAL_ID(1);
    if (c < cols && r < rows) {
        out[r * cols + c] = (float) (r * 1000 + c) + 0.25f * (float) (BLOCK_DIM(0) * GRID_DIM(1));
    }
}

/* Keeps the stream busy for a while: iters dependent multiply-adds in one work-item. */
KERNEL void ssam_test_spin(GLOBAL float *out, int iters) {
    float x = out[0];
    for (int i = 0; i < iters; i++) {
        x = fmaf(x, 0.999999f, 1e-7f);
    }
    out[0] = x;
}
