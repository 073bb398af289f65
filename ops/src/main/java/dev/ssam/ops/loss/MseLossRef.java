package dev.ssam.ops.loss;

import dev.ssam.runtime.Tensor;

/** Scalar MSE pieces: the oracle for {@link MseLossCpu}. */
final class MseLossRef {
    private MseLossRef() {
    }

    /** Per patch: sum_v (pred - target)^2, the difference in float, the sum in double. (B*P) */
    static double[] patchSums(MseLoss.Dims d, Tensor pred, Tensor target) {
        int v = d.values();
        double[] sums = new double[d.rows()];
        for (int r = 0; r < d.rows(); r++) {
            double acc = 0;
            for (int i = 0; i < v; i++) {
                double diff = pred.data()[pred.offset() + r * v + i] - target.data()[target.offset() + r * v + i];
                acc += diff * diff;
            }
            sums[r] = acc;
        }
        return sums;
    }

    /** gpred[r, v] = scale[r] * (2 (pred - target)). */
    static void gradient(MseLoss.Dims d, Tensor pred, Tensor target, float[] scale, Tensor gpred) {
        int v = d.values();
        for (int r = 0; r < d.rows(); r++) {
            for (int i = 0; i < v; i++) {
                float diff = pred.data()[pred.offset() + r * v + i] - target.data()[target.offset() + r * v + i];
                gpred.data()[gpred.offset() + r * v + i] = scale[r] * (2f * diff);
            }
        }
    }
}
