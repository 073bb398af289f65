package dev.ssam.ops.loss;

import dev.ssam.ops.act.VectorMath;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Simd;
import dev.ssam.runtime.Tensor;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API MSE pieces: threads take whole patches (rows of V values); each patch's squared
 * differences are widened to double (lower and upper vector halves) before accumulation.
 */
final class MseLossCpu {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final VectorSpecies<Double> SD = VectorSpecies.of(double.class, S.vectorShape());
    private static final int LANES = S.length();
    /** Patches per parallel grain. */
    private static final int GRAIN = 64;

    private MseLossCpu() {
    }

    static double[] patchSums(Backend.Cpu c, MseLoss.Dims d, Tensor pred, Tensor target) {
        int v = d.values();
        double[] sums = new double[d.rows()];
        float[] ps = pred.data();
        float[] ts = target.data();
        c.parallel().forRange(d.rows(), GRAIN, (from, to, w) -> {
            for (int r = from; r < to; r++) {
                DoubleVector lo = DoubleVector.zero(SD);
                DoubleVector hi = DoubleVector.zero(SD);
                for (int i = 0; i < v; i += LANES) {
                    FloatVector diff = load(ps, pred.offset() + r * v + i, i, v)
                            .sub(load(ts, target.offset() + r * v + i, i, v));
                    DoubleVector l = (DoubleVector) diff.convertShape(VectorOperators.F2D, SD, 0);
                    DoubleVector h = (DoubleVector) diff.convertShape(VectorOperators.F2D, SD, 1);
                    lo = l.fma(l, lo);
                    hi = h.fma(h, hi);
                }
                sums[r] = VectorMath.sumLanes(lo.add(hi));
            }
        });
        return sums;
    }

    static void gradient(Backend.Cpu c, MseLoss.Dims d, Tensor pred, Tensor target, float[] scale, Tensor gpred) {
        int v = d.values();
        float[] ps = pred.data();
        float[] ts = target.data();
        float[] gs = gpred.data();
        c.parallel().forRange(d.rows(), GRAIN, (from, to, w) -> {
            for (int r = from; r < to; r++) {
                for (int i = 0; i < v; i += LANES) {
                    FloatVector diff = load(ps, pred.offset() + r * v + i, i, v)
                            .sub(load(ts, target.offset() + r * v + i, i, v));
                    FloatVector g = diff.mul(2f).mul(scale[r]);
                    int at = gpred.offset() + r * v + i;
                    if (i + LANES <= v) {
                        g.intoArray(gs, at);
                    } else {
                        g.intoArray(gs, at, S.indexInRange(i, v));
                    }
                }
            }
        });
    }

    /** Full load, or a masked load (zeros past n) on a row's last partial vector. */
    private static FloatVector load(float[] a, int at, int i, int n) {
        return i + LANES <= n ? FloatVector.fromArray(S, a, at) : FloatVector.fromArray(S, a, at, S.indexInRange(i, n));
    }
}
