/*
 * Mean squared error pieces (dev.ssam.ops.loss.MseLoss). pred, target, gpred: (R, V) with
 * R = B * P patches, V fastest; scale: (R).
 */

/* sums[r] = sum_v (pred - target)^2, the difference in float, a Kahan-compensated float sum. Grid (R). */
KERNEL void mse_patch_sums(GLOBAL const float *pred, GLOBAL const float *target, GLOBAL float *sums, int rows,
                           int values) {
    int r = GLOBAL_ID(0);
    if (r < rows) {
        float s = 0.0f;
        float c = 0.0f;
        for (int v = 0; v < values; v++) {
            float diff = pred[r * values + v] - target[r * values + v];
            float y = diff * diff - c;
            float t = s + y;
            c = (t - s) - y;
            s = t;
        }
        sums[r] = s;
    }
}

/* gpred[r, v] = scale[r] * (2 (pred - target)), as the reference rounds it. Grid (R * V). */
KERNEL void mse_gradient(GLOBAL const float *pred, GLOBAL const float *target, GLOBAL const float *scale,
                         GLOBAL float *gpred, int rows, int values) {
    int i = GLOBAL_ID(0);
    if (i < rows * values) {
        float diff = pred[i] - target[i];
        gpred[i] = scale[i / values] * (2.0f * diff);
    }
}
