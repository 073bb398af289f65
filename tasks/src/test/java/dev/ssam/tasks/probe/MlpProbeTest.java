package dev.ssam.tasks.probe;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GradCheck;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MlpProbeTest {
    /**
     * The training-mode loss of the MLP computed independently in double (no dropout): Linear,
     * BatchNorm1d with biased batch statistics, ReLU, Linear, then the probe loss.
     */
    private static double referenceLoss(MlpProbe p, Tensor x, Tensor y, ProbeLoss loss) {
        int b = x.dim(0);
        int nIn = x.dim(1);
        int h = p.hidden();
        int c = p.classes();
        double[][] a = new double[b][h];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                double s = p.b1.data()[j];
                for (int k = 0; k < nIn; k++) {
                    s += (double) x.data()[i * nIn + k] * p.w1.data()[j * nIn + k];
                }
                a[i][j] = s;
            }
        }
        for (int j = 0; j < h; j++) {
            double mean = 0;
            for (int i = 0; i < b; i++) {
                mean += a[i][j];
            }
            mean /= b;
            double var = 0;
            for (int i = 0; i < b; i++) {
                var += (a[i][j] - mean) * (a[i][j] - mean);
            }
            var /= b;
            for (int i = 0; i < b; i++) {
                double v = p.gamma.data()[j] * (a[i][j] - mean) / Math.sqrt(var + BatchNorm1d.EPS) + p.beta.data()[j];
                a[i][j] = Math.max(v, 0);
            }
        }
        double total = 0;
        for (int i = 0; i < b; i++) {
            double[] z = new double[c];
            for (int k = 0; k < c; k++) {
                double s = p.b2.data()[k];
                for (int j = 0; j < h; j++) {
                    s += a[i][j] * p.w2.data()[k * h + j];
                }
                z[k] = s;
            }
            for (int k = 0; k < c; k++) {
                double t = y.data()[i * c + k];
                if (loss == ProbeLoss.SIGMOID_BCE) {
                    total += Math.max(z[k], 0) + Math.log1p(Math.exp(-Math.abs(z[k]))) - t * z[k];
                } else if (t > 0.5) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : z) {
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (double v : z) {
                        sum += Math.exp(v - max);
                    }
                    total += -(z[k] - max - Math.log(sum));
                }
            }
        }
        return loss == ProbeLoss.SIGMOID_BCE ? total / (b * c) : total / b;
    }

    private static void checkGradients(ProbeLoss loss) {
        ProbeData d = Blobs.make(7, 5, 3, 4L, 9L);
        MlpProbe p = MlpProbe.init(5, 6, 3, 0f, loss, new SplittableRandom(3));
        // non-trivial gamma and beta so their gradients and the BN backward are exercised
        SplittableRandom r = new SplittableRandom(5);
        for (int j = 0; j < 6; j++) {
            p.gamma.data()[j] = (float) (0.5 + r.nextDouble());
            p.beta.data()[j] = (float) (r.nextDouble() - 0.5);
        }
        MlpProbe.Training t = p.training(1e-3f, 7);
        t.forwardBackward(Backend.ref(), d.x(), d.y(), new SplittableRandom(0));
        List<Tensor> params = p.parameters();
        List<Tensor> grads = t.gradients();
        String[] names = {"W1", "b1", "gamma", "beta", "W2", "b2"};
        for (int i = 0; i < params.size(); i++) {
            GradCheck.assertGradient(names[i] + " " + loss, params.get(i), grads.get(i), 1e-3, Tolerance.GRADCHECK,
                    () -> referenceLoss(p, d.x(), d.y(), loss));
        }
    }

    @Test
    void gradientsMatchCentralDifferencesWithCrossEntropy() {
        checkGradients(ProbeLoss.SOFTMAX_CE);
    }

    @Test
    void gradientsMatchCentralDifferencesWithBce() {
        checkGradients(ProbeLoss.SIGMOID_BCE);
    }

    @Test
    void cpuGradientsMatchRef() {
        // Adam normalises each gradient element, so compare gradients, not the updated weights
        ProbeData d = Blobs.make(33, 17, 5, 4L, 9L);
        MlpProbe a = MlpProbe.init(17, 129, 5, 0.1f, ProbeLoss.SOFTMAX_CE, new SplittableRandom(3));
        MlpProbe b = a.copy();
        MlpProbe.Training ta = a.training(1e-3f, 33);
        MlpProbe.Training tb = b.training(1e-3f, 33);
        ta.forwardBackward(Backend.ref(), d.x(), d.y(), new SplittableRandom(1));
        try (Backend cpu = Backend.cpu(2)) {
            tb.forwardBackward(cpu, d.x(), d.y(), new SplittableRandom(1));
        }
        String[] names = {"W1", "b1", "gamma", "beta", "W2", "b2"};
        for (int i = 0; i < names.length; i++) {
            TensorCompare.assertClose("grad " + names[i], ta.gradients().get(i), tb.gradients().get(i),
                    Tolerance.CPU_VS_REF_REDUCTION);
        }
    }

    @Test
    void initialisationFollowsXavierNormal() {
        MlpProbe p = MlpProbe.init(960, 1024, 50, 0.1f, ProbeLoss.SOFTMAX_CE, new SplittableRandom(0));
        assertEquals(Math.sqrt(2.0 / (960 + 1024)), std(p.w1), 2e-3 * Math.sqrt(2.0 / 1984));
        assertEquals(Math.sqrt(2) * Math.sqrt(2.0 / (1024 + 50)), std(p.w2), 1e-2 * Math.sqrt(4.0 / 1074));
        assertEquals(1f, p.runningVar.data()[0]);
        assertEquals(1f, p.gamma.data()[1023]);
    }

    private static double std(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) {
            s += (double) v * v;
        }
        return Math.sqrt(s / t.size());
    }
}
