package dev.ssam.ops.optim;

import dev.ssam.runtime.Tensor;

/** Scalar AdamW: the oracle for {@link AdamWCpu}, one element at a time in torch's order. */
final class AdamWRef {
    private AdamWRef() {
    }

    static void step(AdamW.Dims d, Tensor param, Tensor grad, Tensor m, Tensor v) {
        float[] ps = param.data();
        float[] gs = grad.data();
        float[] ms = m.data();
        float[] vs = v.data();
        boolean smallWeight = d.weight1() < 0.5f;
        for (int i = 0; i < d.size(); i++) {
            int pi = param.offset() + i;
            int mi = m.offset() + i;
            int vi = v.offset() + i;
            float g = gs[grad.offset() + i];
            float p = ps[pi];
            // decoupled weight decay: param *= 1 - lr wd
            if (d.decays()) {
                p = p * d.decay();
            }
            // first moment: m.lerp_(g, 1 - beta1), fused as torch's vector lerp
            float mm = ms[mi];
            mm = smallWeight ? Math.fma(d.weight1(), g - mm, mm) : Math.fma(d.weight1() - 1f, g - mm, g);
            // second moment: v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
            float vv = vs[vi] * d.beta2();
            vv = vv + d.weight2() * g * g;
            // denom = sqrt(v) / sqrt(bias correction 2) + eps
            float denom = (float) Math.sqrt(vv) / d.bc2Sqrt() + d.eps();
            // param.addcdiv_(m, denom, value=-step_size)
            ps[pi] = p + d.negStep() * mm / denom;
            ms[mi] = mm;
            vs[vi] = vv;
        }
    }
}
