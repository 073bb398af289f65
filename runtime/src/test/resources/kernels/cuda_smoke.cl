/* Test kernels for CuContextTest: y[i] = a * x[i] + y[i], and a 2-d index check. */
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
