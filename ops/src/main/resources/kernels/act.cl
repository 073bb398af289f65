/*
 * Pointwise activations, forward and backward (dev.ssam.ops.act.Activation). One work-item per
 * element; act selects the function: 0 SiLU, 1 GELU (erf), 2 softplus (Activation.ordinal()).
 * The helpers come from portable.h and follow the Java reference's formulas and order.
 */

DEVICE float act_apply(int act, float x) {
    if (act == 0) {
        return ssam_silu(x);
    }
    if (act == 1) {
        return ssam_gelu(x);
    }
    return ssam_softplus(x);
}

DEVICE float act_derivative(int act, float x) {
    if (act == 0) {
        return ssam_silu_grad(x);
    }
    if (act == 1) {
        return ssam_gelu_grad(x);
    }
    return ssam_softplus_grad(x);
}

/* out[i] = act(x[i]); x, out: (n). */
KERNEL void act_forward(GLOBAL const float *x, GLOBAL float *out, int act, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        out[i] = act_apply(act, x[i]);
    }
}

/* gx[i] = gout[i] * act'(x[i]); x, gout, gx: (n). */
KERNEL void act_backward(GLOBAL const float *x, GLOBAL const float *gout, GLOBAL float *gx, int act, int n) {
    int i = GLOBAL_ID(0);
    if (i < n) {
        gx[i] = gout[i] * act_derivative(act, x[i]);
    }
}
