/*
 * One fused AdamW step in torch's operation order (dev.ssam.ops.optim.AdamW); param, grad, m, v:
 * (n). Every operation rounds once as in the Java reference (explicit fmaf for torch's lerp, no
 * other contraction, correctly rounded sqrt and division), so results equal it bit for bit where
 * the device rounds division and sqrt correctly.
 */
KERNEL void adamw_step(GLOBAL float *param, GLOBAL const float *grad, GLOBAL float *m, GLOBAL float *v, int n,
                       float decay, int decays, float weight1, float beta2, float weight2, float negStep,
                       float bc2Sqrt, float eps) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        float g = grad[i];
        float p = param[i];
        if (decays) {
            p = p * decay;
        }
        float mm = m[i];
        mm = weight1 < 0.5f ? fmaf(weight1, g - mm, mm) : fmaf(weight1 - 1.0f, g - mm, g);
        float vv = v[i] * beta2;
        vv = vv + weight2 * g * g;
        float denom = sqrtf(vv) / bc2Sqrt + eps;
        param[i] = p + negStep * mm / denom;
        m[i] = mm;
        v[i] = vv;
    }
}
