package dev.ssam.ops.act;

import dev.ssam.runtime.Tensor;

/** Scalar activations: the oracle for {@link ActivationCpu}. */
final class ActivationRef {
    private ActivationRef() {
    }

    static void forward(Activation act, Activation.Dims d, Tensor x, Tensor out) {
        float[] xs = x.data();
        float[] os = out.data();
        int xo = x.offset();
        int oo = out.offset();
        for (int i = 0; i < d.size(); i++) {
            // out[i] = act(x[i])
            os[oo + i] = act.apply(xs[xo + i]);
        }
    }

    static void backward(Activation act, Activation.Dims d, Tensor x, Tensor gout, Tensor gx) {
        float[] xs = x.data();
        float[] gs = gout.data();
        float[] os = gx.data();
        int xo = x.offset();
        int go = gout.offset();
        int oo = gx.offset();
        for (int i = 0; i < d.size(); i++) {
            // chain rule: gx[i] = gout[i] * act'(x[i])
            os[oo + i] = gs[go + i] * act.derivative(xs[xo + i]);
        }
    }
}
