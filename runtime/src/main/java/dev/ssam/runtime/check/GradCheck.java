package dev.ssam.runtime.check;

import dev.ssam.runtime.Tensor;

/**
 * Central-difference gradient checks for backward kernels.
 *
 * <p>The caller supplies {@code loss()}, a scalar function of the inputs computed in double
 * precision where possible (typically {@code sum(out * gout)}); this class perturbs each element of
 * one input by {@code +-h}, and compares {@code (loss(x+h) - loss(x-h)) / 2h} with the analytic
 * gradient.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** A scalar loss of the current input values. */
    @FunctionalInterface
    public interface Loss {
        double value();
    }

    /**
     * Numerical gradient of {@code loss} with respect to every element of {@code input} (which is
     * perturbed in place and restored).
     */
    public static Tensor numerical(Tensor input, double h, Loss loss) {
        Tensor g = Tensor.zeros(input.shape());
        float[] d = input.data();
        for (int i = 0; i < input.size(); i++) {
            int k = input.offset() + i;
            float saved = d[k];
            d[k] = (float) (saved + h);
            double up = loss.value();
            double hp = d[k] - saved;
            d[k] = (float) (saved - h);
            double down = loss.value();
            double hm = saved - d[k];
            d[k] = saved;
            g.data()[i] = (float) ((up - down) / (hp + hm));
        }
        return g;
    }

    /** Compares {@code analytic} with the numerical gradient and throws with a report on mismatch. */
    public static void assertGradient(String name, Tensor input, Tensor analytic, double h, Tolerance tol, Loss loss) {
        TensorCompare.assertClose("gradcheck " + name, numerical(input, h, loss), analytic, tol);
    }
}
